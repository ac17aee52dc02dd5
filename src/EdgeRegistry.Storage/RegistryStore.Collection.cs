using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage;

/// <summary>What the garbage collector needs of the store beyond the public surface: ages, layer links, conditional deletes.</summary>
public sealed partial class RegistryStore
{
    /// <summary>The last write of a file of the store (a link, a blob's data); null when absent.</summary>
    internal DateTimeOffset? Modified(string path)
    {
        var info = _fs.FileInfo.New(path);
        return info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null;
    }

    /// <summary>The manifests the repository holds (one listing of its revisions: the collector walks a repository at a time).</summary>
    internal IEnumerable<Digest> EnumerateManifests(RepositoryName repository) => StoreEnumeration.ManifestsIn(_fs, _paths, repository);

    /// <summary>The blobs the repository's <c>_layers</c> links name.</summary>
    internal IEnumerable<Digest> EnumerateLayerLinks(RepositoryName repository)
    {
        foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
        {
            string directory = _paths.LayersDirectory(repository, Digest.NameOf(algorithm));
            if (!_fs.Directory.Exists(directory)) continue;
            List<string> entries;
            try { entries = _fs.Directory.EnumerateDirectories(directory).ToList(); }
            catch (DirectoryNotFoundException) { continue; }
            foreach (string entry in entries)
            {
                if (Digest.TryCreate(algorithm, Path.GetFileName(entry), out var digest)) yield return digest;
            }
        }
    }

    /// <summary>The digest a tag points at now; null when it is absent.</summary>
    internal Digest? ResolveTag(RepositoryName repository, string tag) =>
        IoFailures.Guard($"reading tag {repository}:{tag}", () => _tags.Resolve(repository, tag));

    /// <summary>Deletes the tag only while it still points at <paramref name="digest"/> (a push may have moved it); raised like an API delete.</summary>
    internal bool DeleteTagIf(RepositoryName repository, string tag, Digest digest)
    {
        string operation = $"deleting tag {repository}:{tag}";
        if (!IoFailures.Guard(operation, () => _tags.DeleteIf(repository, tag, digest))) return false;
        Raise(operation, new StoreChange(StoreChangeKind.TagDeleted, repository, null, tag));
        return true;
    }

    /// <summary>
    /// Removes a blob nothing references, under the caller's claim (<see cref="ContentLeases.TryClaim"/>): its layer
    /// links first (so no repository names a blob that is gone), then its data. These are this node's own
    /// reclamation, not deletes: they are raised as <see cref="StoreChangeKind.BlobRemoved"/> and do not replicate,
    /// because another node may still hold a manifest that needs the blob. Returns the bytes freed.
    /// </summary>
    internal long SweepBlob(Digest digest, IReadOnlyList<RepositoryName> linkedIn)
    {
        string operation = $"collecting blob {digest}";
        return IoFailures.Guard(operation, () =>
        {
            foreach (var repository in linkedIn) _blobs.UnlinkLayer(repository, digest);
            long length = _blobs.Length(digest) ?? 0;
            _files.RemoveDirectoryAtomically(_paths.BlobDirectory(digest));
            foreach (var repository in linkedIn) Raise(operation, new StoreChange(StoreChangeKind.BlobRemoved, repository, digest, Size: length));
            return length;
        });
    }
}
