using System.Text;
using System.Text.Json;
using EdgeRegistry.Import.Media;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>Reading: what each entry of the medium contributes.</summary>
public sealed partial class ImportSession
{
    /// <summary>A link file holds one digest; anything much longer is not one.</summary>
    private const int MaxLinkBytes = 256;

    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private async Task HandleAsync(MediaEntry entry, CancellationToken cancellationToken)
    {
        _progress.CurrentEntry = entry.Name;
        if (EntryName.Normalize(entry.Name, out var refused) is not { } name)
        {
            Problem("entry", entry.Name, $"refused: {refused}; nothing read", entry.Position);
            return;
        }

        switch (entry.Kind)
        {
            case MediaEntryKind.Directory:
                return;
            case MediaEntryKind.Other:
                Problem("entry", name, $"refused: a {entry.LinkName} entry (device node, FIFO or sparse file) is never read", entry.Position);
                return;
            case MediaEntryKind.SymbolicLink:
                HandleSymbolicLink(name, entry);
                return;
            case MediaEntryKind.HardLink:
                HandleHardLink(name, entry);
                return;
        }

        switch (EntryClassifier.Classify(name))
        {
            case BlobRole blob:
                await ImportBlobAsync(name, blob.Digest, entry, cancellationToken).ConfigureAwait(false);
                break;
            case ManifestFileRole file:
                await ReadManifestFileAsync(name, file.Repository, file.Digest, file.Tag ?? (file.Digest is null ? _options.Tag : null), file.Listed, entry, cancellationToken).ConfigureAwait(false);
                break;
            case TagRole tag when name.StartsWith("docker/", StringComparison.Ordinal):
                if (await ReadLinkAsync(entry, cancellationToken).ConfigureAwait(false) is { } target) ClaimTag(tag.Repository, tag.Tag, target, entry.Position);
                break;
            case TagRole tag:
                // A regular file where the `oc` tree keeps a tag's symlink: the manifest's bytes, tagged.
                await ReadManifestFileAsync(name, tag.Repository, null, tag.Tag, true, entry, cancellationToken).ConfigureAwait(false);
                break;
            case RevisionLinkRole revision:
                if (await ReadLinkAsync(entry, cancellationToken).ConfigureAwait(false) is { } linked)
                {
                    if (linked == revision.Digest) _manifestClaims.Add((revision.Repository, revision.Digest, entry.Position));
                    else Problem("entry", name, $"refused: the revision link holds {linked}, not the {revision.Digest} its path names", entry.Position);
                }
                break;
            case OciIndexRole:
                await ReadOciIndexAsync(name, entry, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceRole resource:
                if (await ReadSmallAsync(entry, _options.MaxResourceBytes, cancellationToken).ConfigureAwait(false) is { } content)
                    _resources[resource.FileName] = new ImportedResource(resource.FileName, content);
                else Problem("entry", name, $"refused: a resource file over {_options.MaxResourceBytes} bytes", entry.Position);
                break;
        }
    }

    /// <summary>
    /// Symbolic links are never followed. The one kind that means something is a tag of the `oc` and oc-mirror v1
    /// trees: <c>manifests/&lt;tag&gt;</c> → <c>sha256:&lt;hex&gt;</c> beside it. The manifest it names may come later.
    /// </summary>
    private void HandleSymbolicLink(string name, MediaEntry entry)
    {
        string target = entry.LinkName ?? "";
        if (EntryName.ResolveLink(name, target, relativeToLink: true, out var outside) is null)
        {
            Problem("entry", name, $"refused symbolic link: {outside}; not followed", entry.Position);
            return;
        }

        switch (EntryClassifier.Classify(name))
        {
            case TagRole tag when !target.Contains('/') && Digest.TryParse(target, out var digest):
                ClaimTag(tag.Repository, tag.Tag, digest, entry.Position);
                break;
            case TagRole:
                Problem("entry", name, $"refused symbolic link to \"{target}\": a tag links to a sha256:<hex> manifest beside it", entry.Position);
                break;
            case IgnoredRole:
                break;
            default:
                Problem("entry", name, $"refused symbolic link to \"{target}\" where a file is expected; not followed", entry.Position);
                break;
        }
    }

    /// <summary>
    /// A tar hard link has no bytes: it names an earlier entry. The `oc` tree links each manifest file to its blob and
    /// mounts a blob into another repository by a link, so a link counts by the digest its own name says, and only when
    /// the entry it names held exactly that digest.
    /// </summary>
    private void HandleHardLink(string name, MediaEntry entry)
    {
        string target = entry.LinkName ?? "";
        if (EntryName.ResolveLink(name, target, relativeToLink: false, out var outside) is not { } resolved)
        {
            Problem("entry", name, $"refused hard link: {outside}", entry.Position);
            return;
        }

        bool known = _entryDigests.TryGetValue(resolved, out var held);
        switch (EntryClassifier.Classify(name))
        {
            case BlobRole blob when known && held == blob.Digest:
                break;
            case ManifestFileRole { Digest: { } digest } file when known && held == digest:
                if (ClaimRepository(file.Repository, name, entry.Position) is { } repository && file.Listed) _manifestClaims.Add((repository, digest, entry.Position));
                break;
            case TagRole tag when known:
                ClaimTag(tag.Repository, tag.Tag, held, entry.Position);
                break;
            case IgnoredRole:
                break;
            default:
                Problem("entry", name, known
                    ? $"refused hard link to \"{resolved}\": that entry holds {held}, not what this name says"
                    : $"refused hard link to \"{resolved}\": no earlier blob or manifest entry of that name", entry.Position);
                break;
        }
    }

    private async Task ImportBlobAsync(string name, Digest digest, MediaEntry entry, CancellationToken cancellationToken)
    {
        if (_available.Contains(digest))
        {
            _entryDigests[name] = digest;
            return; // the same blob twice on the medium (a blob mounted into several repositories of an `oc` tree)
        }

        if (await _target.BlobLengthAsync(digest, cancellationToken).ConfigureAwait(false) is long present)
        {
            // Resume and differential media: the store's copy was verified when it was committed; the medium's is not read.
            _blobsPresent++;
            _bytesPresent += present;
            _available.Add(digest);
            _entryDigests[name] = digest;
            return;
        }

        bool small = entry.Length <= _options.MaxManifestBytes;
        if (_options.DryRun)
        {
            // Only small blobs are read (they may be manifests a dry run must parse to list the images).
            if (small && await ReadSmallAsync(entry, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false) is { } peek
                && ContentHasher.Compute(digest.Algorithm, peek) == digest && LooksLikeJson(peek))
            {
                _json[digest] = peek;
            }

            Imported(name, digest, entry.Length);
            return;
        }

        byte[]? bytes = null;
        try
        {
            if (small)
            {
                // Small blobs (configs, manifests) are read whole: kept as manifest candidates, committed from memory.
                bytes = await ReadSmallAsync(entry, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false) ?? [];
                using var memory = new MemoryStream(bytes, writable: false);
                await _target.CommitBlobAsync(digest, entry.Length, memory, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var body = entry.OpenBody();
                await _target.CommitBlobAsync(digest, entry.Length, body, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StoreException e) when (e.Error is StoreError.DigestMismatch or StoreError.UploadInvalid)
        {
            Problem("blob", digest.ToString(), $"refused, corrupt on the medium: {e.Message}; nothing stored", entry.Position);
            return;
        }
        catch (StoreException e) when (e.Error is StoreError.SpaceLimit or StoreError.StorageFull)
        {
            // The disk guard (a push's limits: --min-free, --max-store-bytes) or the file system itself refused the
            // write; the guard's sentence names the limit and what is free. Nothing of this blob is stored.
            throw new StoreException(e.Error, $"blob {digest} ({ByteText(entry.Length)}, {entry.Position}): {e.Message}", e) { Detail = e.Detail };
        }
        catch (IOException e)
        {
            throw new MediaException($"{entry.Position}: cannot read the medium: {e.Message}", e);
        }

        if (bytes is not null && LooksLikeJson(bytes)) _json[digest] = bytes;
        Imported(name, digest, entry.Length);
    }

    private static string ByteText(long bytes) => Storage.Capacity.ByteSizes.Format(bytes);

    private void Imported(string name, Digest digest, long length)
    {
        _blobsImported++;
        _bytesImported += length;
        _available.Add(digest);
        _entryDigests[name] = digest;
    }

    private async Task ReadManifestFileAsync(string name, RepositoryName? repository, Digest? named, string? tag, bool listed,
        MediaEntry entry, CancellationToken cancellationToken)
    {
        if (await ReadSmallAsync(entry, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            Problem("entry", name, $"refused: a manifest over the {_options.MaxManifestBytes}-byte limit", entry.Position);
            return;
        }

        var digest = ContentHasher.Compute(named?.Algorithm ?? DigestAlgorithm.Sha256, content);
        if (named is { } expected && expected != digest)
        {
            Problem("manifest", expected.ToString(), $"refused, corrupt on the medium: its content has digest {digest}", entry.Position);
            return;
        }

        _json[digest] = content;
        _entryDigests[name] = digest;
        if (ClaimRepository(repository, name, entry.Position) is not { } target) return;
        if (listed) _manifestClaims.Add((target, digest, entry.Position));
        if (tag is not null) ClaimTag(target, tag, digest, entry.Position);
    }

    /// <summary>An OCI layout's index.json: each manifest it lists, tagged by its ref.name annotation.</summary>
    private async Task ReadOciIndexAsync(string name, MediaEntry entry, CancellationToken cancellationToken)
    {
        if (await ReadSmallAsync(entry, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            Problem("entry", name, "refused: index.json is over the manifest size limit", entry.Position);
            return;
        }

        var listed = new List<(Digest Digest, string? RefName)>();
        try
        {
            using var document = JsonDocument.Parse(content);
            if (!document.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
                throw new JsonException("no \"manifests\" array");
            foreach (var descriptor in manifests.EnumerateArray())
            {
                if (!descriptor.TryGetProperty("digest", out var digestText) || !Digest.TryParse(digestText.GetString(), out var digest))
                    throw new JsonException("a descriptor without a valid digest");
                string? refName = descriptor.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                    && annotations.TryGetProperty(RefNameAnnotation, out var value) ? value.GetString() : null;
                listed.Add((digest, refName));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            Problem("entry", name, $"refused: not an OCI index: {e.Message}", entry.Position);
            return;
        }

        if (ClaimRepository(null, name, entry.Position) is not { } repository) return;
        foreach (var (digest, refName) in listed)
        {
            _manifestClaims.Add((repository, digest, entry.Position));
            string? tag = listed.Count == 1 && _options.Tag is not null ? _options.Tag : TagOfRefName(refName);
            if (tag is not null) ClaimTag(repository, tag, digest, entry.Position);
        }
    }

    /// <summary>ref.name is a bare tag (skopeo, oc-mirror) or a whole reference ending in <c>:tag</c>.</summary>
    private static string? TagOfRefName(string? refName)
    {
        if (refName is null) return null;
        if (Tag.IsValid(refName)) return refName;
        int colon = refName.LastIndexOf(':');
        return colon > 0 && refName.LastIndexOf('/') < colon && Tag.IsValid(refName[(colon + 1)..]) ? refName[(colon + 1)..] : null;
    }

    private RepositoryName? ClaimRepository(RepositoryName? named, string entryName, EntryPosition position)
    {
        if ((named ?? _options.Repository) is { } repository) return repository;
        if (!_problems.Exists(static p => p.Kind == "repository"))
            Problem("repository", entryName, "an OCI or dir: layout names no repository: give --repository NAME[:TAG]", position);
        return null;
    }

    private void ClaimTag(RepositoryName repository, string tag, Digest digest, EntryPosition position) =>
        _tagClaims.Add((repository, tag, digest, position));

    private static async Task<Digest?> ReadLinkAsync(MediaEntry entry, CancellationToken cancellationToken) =>
        await ReadSmallAsync(entry, MaxLinkBytes, cancellationToken).ConfigureAwait(false) is { } content
            && Digest.TryParse(Encoding.ASCII.GetString(content).Trim(), out var digest) ? digest : null;

    /// <summary>The whole body when it is at most <paramref name="maxBytes"/> long; null (unread) when longer.</summary>
    private static async Task<byte[]?> ReadSmallAsync(MediaEntry entry, int maxBytes, CancellationToken cancellationToken)
    {
        if (entry.Length > maxBytes) return null;
        var content = new byte[entry.Length];
        try
        {
            using var body = entry.OpenBody();
            await body.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new MediaException($"{entry.Position}: the medium ends inside this entry", e);
        }
        catch (IOException e)
        {
            throw new MediaException($"{entry.Position}: cannot read the medium: {e.Message}", e);
        }

        return content;
    }

    private static bool LooksLikeJson(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
            return b == (byte)'{';
        }

        return false;
    }
}
