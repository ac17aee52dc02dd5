using EdgeRegistry.Content;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Scrub;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// Read-through from the peers: what this node lacks is fetched from a peer that has it, streamed to the client
/// while it is written to the local store, and committed only if its digest verifies. The last chunk reaches the
/// client only after verification, so a client never receives a complete body with wrong bytes: a lying peer
/// makes the response fail, never succeed corrupt.
/// </summary>
internal sealed partial class PeerContent : IContentSource
{
    /// <summary>Asking peers whether they hold something must not hold up a pull for long.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly IRegistryStore _store;
    private readonly PeerSet _peers;
    private readonly BlobFetcher _fetcher;
    private readonly EntryApplier _applier;
    private readonly LocalInventory _local;
    private readonly ClientActivity _clients;
    private readonly CompletenessCache _completeness;
    private readonly ILogger _logger;
    /// <summary>Client read-throughs that drive the transfer of their blob.</summary>
    private readonly ClientTee _tee;

    public PeerContent(IRegistryStore store, PeerSet peers, BlobFetcher fetcher, EntryApplier applier, LocalInventory local,
        ClientActivity clients, CompletenessCache completeness, ILogger<PeerContent> logger, ReadThroughOptions? readThrough = null)
    {
        _store = store;
        _peers = peers;
        _fetcher = fetcher;
        _applier = applier;
        _local = local;
        _clients = clients;
        _completeness = completeness;
        _logger = logger;
        _tee = new ClientTee(store, fetcher, readThrough ?? ReadThroughOptions.Default, logger);
        // Complete-or-404: a quarantined blob counts as missing from the instant it is moved aside.
        store.Damaged += _ => completeness.Clear();
    }

    public bool IsLocalOnly(HttpRequest request) => request.Headers.ContainsKey(PeerAuthenticator.HeaderName);

    public async ValueTask<BlobLookup> FindBlobAsync(RepositoryName repository, Digest digest, BlobWant want, CancellationToken cancellationToken)
    {
        // Only repositories that exist in the cluster: an anonymous GET must not create directories for any name.
        // Until every peer's whole inventory has been read (just after start, or after a resync), the peers are asked
        // anyway: a view whose first page is still being applied lists only part of the repositories.
        // An import's copy names a repository its medium brings (new to the cluster, or one whose blob was deleted and
        // is now imported again): the peers serve blobs by digest alone, so it goes on to them.
        bool copy = want == BlobWant.Copy;
        if (!copy && !IsKnownRepository(repository) && _peers.All.All(static p => p.View.Listed)) return BlobLookup.Missing;
        // Deleted from this repository (here, or on a peer and replicated): the data may linger until GC, and peers
        // may still hold it, but the delete stands unless a peer linked it again since.
        if (!copy && IsDeletedHere(InventoryKey.ForBlob(repository, digest))) return BlobLookup.Missing;
        // The bytes are here under another repository (a replica copied them before the manifest's links, or a
        // mount): link them, and the blob is served from disk.
        if (_store.BlobLength(digest) is not null && _store.MountBlob(repository, digest, from: null) is not null) return BlobLookup.Local;
        if (want == BlobWant.Length)
        {
            long? length = await LocateAsync(digest, cancellationToken);
            if (length is null) return BlobLookup.Missing;
            _ = _fetcher.FetchAsync(digest, repository, throttled: false, CancellationToken.None);
            return BlobLookup.Elsewhere(length.Value);
        }
        var activity = _clients.Enter();
        try
        {
            var lookup = want == BlobWant.Whole
                ? await StreamOrWaitAsync(repository, digest, activity, cancellationToken)
                : await FetchWholeAsync(repository, digest, cancellationToken);
            // A body streaming from a peer holds the client's activity until it is disposed.
            if (lookup.Body is null) activity.Dispose();
            return lookup;
        }
        catch
        {
            activity.Dispose();
            throw;
        }
    }

    /// <summary>For a Range: the whole blob is fetched (a flight under way is joined), then served from disk in the same request.</summary>
    private async Task<BlobLookup> FetchWholeAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await _fetcher.FetchAsync(digest, repository, throttled: false, CancellationToken.None).WaitAsync(cancellationToken)
            ? LandedBlob.LinkedOrMissing(_store, repository, digest)
            : BlobLookup.Missing;

    /// <summary>
    /// Drives the blob's flight with this client (a new one, or a background copy taken over from where it is), or
    /// waits for the client that drives it and then answers from disk.
    /// </summary>
    private async Task<BlobLookup> StreamOrWaitAsync(RepositoryName repository, Digest digest, IDisposable activity, CancellationToken cancellationToken)
    {
        // A flight this client only waited on may fail (a background copy that found no peer): then it tries once
        // itself, as it would have without the flight.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var flight = _fetcher.Flights.Join(digest, clientDriven: true, out bool lead);
            bool drive = lead;
            if (!lead && flight.TryClaim() is { } claim)
            {
                // A background copy of this blob is under way: take it over rather than wait for all of it.
                await claim.TakeAsync();
                drive = !flight.Stored.IsCompleted;
            }
            if (drive) return await _tee.OpenAsync(repository, flight, TeeCandidates(digest), activity, cancellationToken);
            // Another client is streaming it (or it just landed): wait for the whole blob, then serve it from disk.
            if (await flight.Stored.WaitAsync(cancellationToken)) return LandedBlob.LinkedOrMissing(_store, repository, digest);
        }
        return BlobLookup.Missing;
    }

    /// <summary>
    /// Deleted here, and no peer has heard of a newer update. While the inventory is still being built the tombstone is
    /// read from its version record, so a read-through during start-up cannot bring back what this node deleted.
    /// </summary>
    private bool IsDeletedHere(InventoryKey key) =>
        _local.TombstoneOf(key) is { } tombstone
        && !_peers.Available().Any(p => p.View.Inventory.Get(key) is { } theirs && theirs.Supersedes(tombstone));

    public async Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        bool byTag = !Digest.TryParse(reference, out _);
        // Deleted here more recently than any peer could know: the delete is on its way to them.
        if (byTag && IsDeletedHere(InventoryKey.ForTag(repository, reference))) return null;
        foreach (var peer in ClientCandidates())
        {
            var manifest = await peer.Client.GetManifestAsync(repository, reference, cancellationToken);
            if (manifest is null) continue;
            var manifestEntry = manifest.ManifestEntry
                ?? new InventoryEntry(EntryKind.Manifest, repository, null, manifest.Digest, manifest.Content.Length, 0, "", false);
            // Cached: the waiting client is answered from it just below (and its references are enqueued from it).
            _store.ImportManifest(repository, manifest.Digest, manifest.Content, LocalInventory.VersionOf(manifestEntry), cache: true);
            if (byTag)
            {
                var tagEntry = manifest.TagEntry ?? new InventoryEntry(EntryKind.Tag, repository, reference, manifest.Digest, 0, 0, "", false);
                _store.SetTag(repository, reference, manifest.Digest, LocalInventory.VersionOf(tagEntry));
            }
            LogManifestReadThrough(_logger, repository.Value, reference, peer.Member);
            _applier.EnqueueReferences(repository, manifest.Digest);
            return _store.GetManifest(repository, reference);
        }
        return null;
    }

    public async ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken)
    {
        if (_completeness.Get(repository.Value, manifest.Digest) is bool known) return known;
        var (complete, local) = await CheckAsync(repository, manifest.Digest, depth: 0, cancellationToken);
        _completeness.Set(repository.Value, manifest.Digest, complete,
            !complete ? CompletenessCache.IncompleteLifetime : local ? CompletenessCache.LocalLifetime : CompletenessCache.PeerLifetime);
        return complete;
    }

    public async ValueTask<bool> CanServeBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        _store.BlobLength(digest) is not null || _peers.Holding(digest).Any() || await LocateAsync(digest, cancellationToken) is not null;

    /// <summary>Peers replicate the tags themselves (convergence): the local tag is the answer.</summary>
    public ValueTask<StoredManifest> RefreshTagAsync(RepositoryName repository, string tag, StoredManifest local, CancellationToken cancellationToken) =>
        ValueTask.FromResult(local);

    /// <summary>Whether everything the manifest references can be served, and whether all of it is local.</summary>
    private async Task<(bool Complete, bool Local)> CheckAsync(RepositoryName repository, Digest digest, int depth, CancellationToken cancellationToken)
    {
        if (_store.GetReferences(repository, digest) is not { } references) return (false, false);
        bool allLocal = true;
        foreach (var blob in references.Blobs)
        {
            if (await IsLocalAsync(repository, digest, blob, cancellationToken)) continue;
            allLocal = false;
            if (_peers.Holding(blob.Digest).Any()) continue;
            if (await LocateAsync(blob.Digest, cancellationToken) is null) return (false, false);
        }
        // Sparse indexes: only the children this node's platform selects must be servable (RequiredChildren).
        foreach (var (child, _) in RequiredChildren.Of(references.Manifests, ManifestPlatform.Current))
        {
            if (depth >= 2) return (false, false); // an index of indexes of indexes: not something a client pulls
            if (_store.GetReferences(repository, child) is null)
            {
                allLocal = false;
                if (await TryFetchManifestAsync(repository, child.ToString(), cancellationToken) is null) return (false, false);
            }
            var (complete, local) = await CheckAsync(repository, child, depth + 1, cancellationToken);
            if (!complete) return (false, false);
            allLocal &= local;
        }
        return (true, allLocal);
    }

    /// <summary>
    /// The store holds the blob. A file shorter than the manifest's descriptor says cannot be the blob (a truncation):
    /// found here for the cost of the stat the check makes anyway, and — once its hash confirms it is not the manifest
    /// that is wrong — quarantined like the scrub would, so it counts as missing and a peer's copy is used instead.
    /// </summary>
    private async ValueTask<bool> IsLocalAsync(RepositoryName repository, Digest manifest, BlobReference blob, CancellationToken cancellationToken)
    {
        long? length = _store.StatBlob(repository, blob.Digest)?.Length ?? _store.BlobLength(blob.Digest);
        if (length is null) return false;
        if (length >= blob.Size) return true;
        var verdict = await _store.VerifyBlobAsync(blob.Digest, StoreScrubber.DefaultChunkBytes, static (_, _) => ValueTask.CompletedTask, cancellationToken);
        if (verdict.IsSound) return true;
        _store.Quarantine(blob.Digest, DamageKind.SizeMismatch,
            $"its file holds {length} bytes, but manifest {manifest} in {repository} says {blob.Size}");
        return false;
    }

    /// <summary>The blob's length from a peer that holds it: from their feeds if known, else by asking the available peers at once.</summary>
    private async Task<long?> LocateAsync(Digest digest, CancellationToken cancellationToken)
    {
        foreach (var peer in _peers.Holding(digest))
        {
            if (peer.View.Inventory.Get(InventoryKey.ForBlob(null, digest)) is { } entry) return entry.Size;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AskTimeout);
        var asks = ClientCandidates().Select(p => p.Client.HeadBlobAsync(digest, timeout.Token)).ToList();
        while (asks.Count > 0)
        {
            var done = await Task.WhenAny(asks);
            asks.Remove(done);
            try
            {
                if (await done is long length) return length;
            }
            catch (OperationCanceledException)
            {
            }
        }
        return null;
    }

    /// <summary>Peers known to hold the blob, else every peer that may be asked.</summary>
    private List<Peer> TeeCandidates(Digest digest)
    {
        var candidates = _fetcher.Candidates(digest).ToList();
        return candidates.Count > 0 ? candidates : ClientCandidates();
    }

    /// <summary>
    /// Peers to ask on behalf of a waiting client: the available ones, or — when every peer is in back-off, as
    /// right after a cluster cold start — all of them, each costing at most the short connect timeout.
    /// </summary>
    private List<Peer> ClientCandidates()
    {
        var available = _peers.Available().ToList();
        return available.Count > 0 ? available : _peers.All.ToList();
    }

    private bool IsKnownRepository(RepositoryName repository) =>
        _store.ListTags(repository) is not null || _peers.All.Any(p => p.View.Inventory.HasRepository(repository));

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Fetched manifest {Repository}:{Reference} from peer {Peer}")]
    private static partial void LogManifestReadThrough(ILogger logger, string repository, string reference, string peer);
}
