using EdgeRegistry.Import.Media;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>Publishing: manifests in dependency order once the blobs are in, then tags.</summary>
public sealed partial class ImportSession
{
    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        foreach (var (repository, digest, position) in _manifestClaims)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await PublishManifestAsync(repository, digest, position, [], cancellationToken).ConfigureAwait(false);
        }

        // The last claim of a tag wins (a later archive of a sequence moves a tag on).
        var tags = new Dictionary<(RepositoryName, string), (Digest Digest, EntryPosition Position)>();
        foreach (var (repository, tag, digest, position) in _tagClaims) tags[(repository, tag)] = (digest, position);
        foreach (var ((repository, tag), (digest, position)) in tags.OrderBy(static t => t.Key.Item1.Value, StringComparer.Ordinal).ThenBy(static t => t.Key.Item2, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await PublishTagAsync(repository, tag, digest, position, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishTagAsync(RepositoryName repository, string tag, Digest digest, EntryPosition position, CancellationToken cancellationToken)
    {
        // A tag may name a manifest no revision entry listed (a bare `oc` tree tag): publish it first.
        string state = await PublishManifestAsync(repository, digest, position, [], cancellationToken).ConfigureAwait(false);
        if (state == ManifestStates.Skipped)
        {
            Problem("tag", $"{repository}:{tag}", $"not set: its manifest {digest} was skipped", position);
            return;
        }

        var key = (repository, digest);
        if (!_manifestTags.TryGetValue(key, out var list)) _manifestTags[key] = list = [];
        list.Add(tag);
        if (state != ManifestStates.WouldImport && await _target.TagTargetAsync(repository, tag, cancellationToken).ConfigureAwait(false) == digest)
        {
            _tagsPresent++;
            return;
        }

        if (!_options.DryRun)
        {
            try
            {
                await _target.SetTagAsync(repository, tag, digest, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Error is not (StoreError.StorageFull or StoreError.SpaceLimit or StoreError.IoFailure))
            {
                Problem("tag", $"{repository}:{tag}", $"not set: {e.Message}", position);
                return;
            }
        }

        _tagsSet++;
    }

    /// <summary>Publishes one manifest after its children; returns its state (and remembers it).</summary>
    private async Task<string> PublishManifestAsync(RepositoryName repository, Digest digest, EntryPosition position,
        HashSet<(RepositoryName, Digest)> inProgress, CancellationToken cancellationToken)
    {
        var key = (repository, digest);
        if (_manifestStates.TryGetValue(key, out var known)) return known;
        if (!inProgress.Add(key)) return Skip(key, "it is its own descendant (an index cycle)", position);
        if (await _target.HasManifestAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            _manifestsPresent++;
            return _manifestStates[key] = ManifestStates.Present;
        }

        var content = _json.TryGetValue(digest, out var bytes)
            ? bytes
            : await _target.ReadBlobAsync(digest, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        if (content is null) return Skip(key, "its bytes are neither on the medium nor in the store", position);
        if (ContentHasher.Compute(digest.Algorithm, content) != digest) return Skip(key, "the bytes found for it have another digest", position);

        ManifestReferences references;
        try
        {
            references = ManifestInspection.References(content);
        }
        catch (StoreException e)
        {
            return Skip(key, $"not a manifest the registry accepts: {e.Message}", position);
        }

        foreach (var child in references.Manifests)
        {
            if (await PublishManifestAsync(repository, child.Digest, position, inProgress, cancellationToken).ConfigureAwait(false) == ManifestStates.Skipped)
                return Skip(key, $"its child manifest {child.Digest} was skipped", position);
        }

        var missing = new List<Digest>();
        foreach (var blob in references.Blobs)
        {
            if (!await IsAvailableAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false)) missing.Add(blob.Digest);
        }

        if (missing.Count > 0)
        {
            return Skip(key, $"{(missing.Count == 1 ? "blob" : "blobs")} {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} neither on the medium nor in the store nor on a reachable peer", position);
        }

        if (_options.DryRun) return Published(key, ManifestStates.WouldImport);
        try
        {
            await _target.ImportManifestAsync(repository, digest, content, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Error is not (StoreError.StorageFull or StoreError.SpaceLimit or StoreError.IoFailure))
        {
            return Skip(key, e.Message, position);
        }

        return Published(key, ManifestStates.Imported);
    }

    private string Published((RepositoryName, Digest) key, string state)
    {
        _manifestsImported++;
        return _manifestStates[key] = state;
    }

    private string Skip((RepositoryName Repository, Digest Digest) key, string why, EntryPosition position)
    {
        Problem("manifest", $"{key.Repository}@{key.Digest}", $"skipped: {why}", position);
        return _manifestStates[key] = ManifestStates.Skipped;
    }

    /// <summary>
    /// On the medium (verified), in the store, or — for a differential medium that left it out — on a peer, which the
    /// agent copies it from now (verified, like any replicated blob), so the node holds the whole image and a peer
    /// going down later costs nothing.
    /// </summary>
    private async Task<bool> IsAvailableAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        if (_available.Contains(digest)) return true;
        if (_absent.Contains(digest)) return false;
        if (await _target.BlobLengthAsync(digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            _available.Add(digest);
            return true;
        }

        if (_options.DryRun ? await _target.CanFetchBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            : await FetchAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            _available.Add(digest);
            return true;
        }

        _absent.Add(digest);
        return false;
    }

    private async Task<bool> FetchAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        _progress.CurrentEntry = $"{digest} from a peer";
        if (await _target.FetchBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not long length) return false;
        _blobsFetched++;
        _bytesFetched += length;
        return true;
    }
}
