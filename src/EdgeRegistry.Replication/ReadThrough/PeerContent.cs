using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using EdgeRegistry.Distribution;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// Read-through from the peers: what this node lacks is fetched from a peer that has it, streamed to the client
/// while it is written to the local store, and committed only if its digest verifies. The last chunk reaches the
/// client only after verification, so a client never receives a complete body with wrong bytes: a lying peer
/// makes the response fail, never succeed corrupt.
/// </summary>
public sealed partial class PeerContent : IRemoteContent
{
    /// <summary>Read size from the peer: large reads keep syscalls and pipe flushes per GB low.</summary>
    private const int ChunkBytes = 1 << 20;

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

    /// <summary>
    /// Client pulls being streamed from a peer right now, by digest: a second client asking for the same blob waits
    /// for the first (single flight) instead of starting another transfer. Background copies are kept apart from
    /// these, so a client never waits for a copy that is not streaming to anyone.
    /// </summary>
    private readonly ConcurrentDictionary<Digest, Task<bool>> _clientTees = new();

    public PeerContent(IRegistryStore store, PeerSet peers, BlobFetcher fetcher, EntryApplier applier, LocalInventory local,
        ClientActivity clients, CompletenessCache completeness, ILogger logger)
    {
        _store = store;
        _peers = peers;
        _fetcher = fetcher;
        _applier = applier;
        _local = local;
        _clients = clients;
        _completeness = completeness;
        _logger = logger;
    }

    public bool IsLocalOnly(HttpContext context) => context.Request.Headers.ContainsKey(PeerAuthenticator.HeaderName);

    public async Task<bool> TryServeBlobAsync(HttpContext context, RepositoryName repository, Digest digest)
    {
        // Only repositories that exist in the cluster: an anonymous GET must not create directories for any name.
        // Until every peer's inventory has been read once (just after start), the peers are asked anyway.
        if (!IsKnownRepository(repository) && _peers.All.All(static p => p.View.Epoch is not null)) return false;
        // The bytes are here under another repository (a replica copied them before the manifest's links, or a
        // mount): link them and let the client ask again, now answered from disk.
        if (_store.BlobLength(digest) is not null && _store.MountBlob(repository, digest, from: null) is not null)
        {
            RedirectToSelf(context);
            return true;
        }
        bool isHead = HttpMethods.IsHead(context.Request.Method);
        bool isRange = !string.IsNullOrEmpty(context.Request.Headers.Range);
        if (isHead)
        {
            long? length = await LocateAsync(digest, context.RequestAborted);
            if (length is null) return false;
            _ = _fetcher.FetchAsync(digest, repository, throttled: false, CancellationToken.None);
            WriteBlobHeaders(context.Response, digest, length.Value);
            return true;
        }
        using (_clients.Enter())
        {
            if (!isRange)
            {
                var lead = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_clientTees.TryAdd(digest, lead.Task))
                {
                    bool served = false;
                    bool stored = false;
                    try
                    {
                        (served, stored) = await TeeFromPeersAsync(context, repository, digest);
                    }
                    finally
                    {
                        _clientTees.TryRemove(digest, out _);
                        lead.TrySetResult(stored);
                    }
                    return served;
                }
            }
            // Another client is streaming it, or this one wants a range: wait for the whole blob, then serve from disk.
            var fetch = (_clientTees.TryGetValue(digest, out var streaming) ? streaming : null)
                ?? _fetcher.InFlight(digest)
                ?? _fetcher.FetchAsync(digest, repository, throttled: false, CancellationToken.None);
            if (!await fetch.WaitAsync(context.RequestAborted) || _store.StatBlob(repository, digest) is null) return false;
            RedirectToSelf(context);
            return true;
        }
    }

    public async Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        bool byTag = !Digest.TryParse(reference, out _);
        if (byTag && _local.Inventory.Get(new InventoryKey(EntryKind.Tag, repository.Value, reference)) is { Deleted: true } tombstone)
        {
            // Deleted here more recently than any peer could know: the delete is on its way to them.
            if (!_peers.Available().Any(p => p.View.Inventory.Get(tombstone.Key) is { } theirs && theirs.Supersedes(tombstone))) return null;
        }
        foreach (var peer in ClientCandidates())
        {
            var manifest = await peer.Client.GetManifestAsync(repository, reference, cancellationToken);
            if (manifest is null) continue;
            var manifestEntry = manifest.ManifestEntry
                ?? new InventoryEntry(EntryKind.Manifest, repository, null, manifest.Digest, manifest.Content.Length, 0, "", false);
            using (LocalInventory.Applying(manifestEntry))
            {
                _store.ImportManifest(repository, manifest.Digest, manifest.Content);
            }
            if (byTag)
            {
                var tagEntry = manifest.TagEntry ?? new InventoryEntry(EntryKind.Tag, repository, reference, manifest.Digest, 0, 0, "", false);
                using (LocalInventory.Applying(tagEntry))
                {
                    _store.SetTag(repository, reference, manifest.Digest);
                }
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

    /// <summary>Whether everything the manifest references can be served, and whether all of it is local.</summary>
    private async Task<(bool Complete, bool Local)> CheckAsync(RepositoryName repository, Digest digest, int depth, CancellationToken cancellationToken)
    {
        if (_store.GetReferences(repository, digest) is not { } references) return (false, false);
        bool allLocal = true;
        foreach (var blob in references.Blobs)
        {
            if (_store.StatBlob(repository, blob.Digest) is not null || _store.BlobLength(blob.Digest) is not null) continue;
            allLocal = false;
            if (_peers.Holding(blob.Digest).Any()) continue;
            if (await LocateAsync(blob.Digest, cancellationToken) is null) return (false, false);
        }
        foreach (var child in references.Manifests)
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

    /// <summary>The blob's length from a peer that holds it: from their feeds if known, else by asking the available peers at once.</summary>
    private async Task<long?> LocateAsync(Digest digest, CancellationToken cancellationToken)
    {
        foreach (var peer in _peers.Holding(digest))
        {
            if (peer.View.Inventory.Get(new InventoryKey(EntryKind.Blob, null, digest.ToString())) is { } entry) return entry.Size;
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

    /// <summary>Streams the blob from the first peer that has it to the client and the store at once.</summary>
    private async Task<(bool Served, bool Stored)> TeeFromPeersAsync(HttpContext context, RepositoryName repository, Digest digest)
    {
        var candidates = _fetcher.Candidates(digest).ToList();
        foreach (var peer in candidates.Count > 0 ? candidates : ClientCandidates())
        {
            using var response = await peer.Client.OpenBlobAsync(digest, context.RequestAborted);
            if (response?.Content.Headers.ContentLength is not long length) continue;
            var result = await TeeAsync(context, repository, digest, peer, response, length);
            if (result.Served) return result;
        }
        return (false, false);
    }

    private async Task<(bool Served, bool Stored)> TeeAsync(HttpContext context, RepositoryName repository, Digest digest, Peer peer,
        HttpResponseMessage response, long length)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * ChunkBytes, resumeWriterThreshold: 2 * ChunkBytes));
        // The store copy continues even if the client goes away: the next pull is then served from disk.
        var storing = _store.PutBlobAsync(repository, digest, pipe.Reader, length, CancellationToken.None);
        using var hasher = new ContentHasher(digest.Algorithm);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        bool clientAlive = true;
        long total = 0;
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(CancellationToken.None);
            WriteBlobHeaders(context.Response, digest, length);
            context.Response.StatusCode = StatusCodes.Status200OK;
            while (true)
            {
                int read = await ReadChunkAsync(source, buffer, length - total);
                if (read == 0) break;
                total += read;
                if (total > length) break; // more than the peer announced: never forward it
                hasher.Append(buffer.AsSpan(0, read));
                await pipe.Writer.WriteAsync(buffer.AsMemory(0, read));
                bool last = total == length;
                if (last && hasher.Current() != digest) break;
                if (clientAlive) clientAlive = await WriteToClientAsync(context, buffer.AsMemory(0, read));
                if (last) break;
            }
            if (total != length || hasher.Current() != digest)
            {
                await pipe.Writer.CompleteAsync(new IOException($"peer {peer.Member} sent {total} bytes not matching {digest}"));
                peer.State.Failed($"served wrong bytes for {digest}");
                LogLyingPeer(_logger, peer.Member, digest.ToString());
                await ObserveAsync(storing);
                context.Abort();
                return (true, false);
            }
            await pipe.Writer.CompleteAsync();
            bool stored = await ObserveAsync(storing);
            LogBlobReadThrough(_logger, repository.Value, digest.ToString(), peer.Member, length);
            return (true, stored);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            await pipe.Writer.CompleteAsync(e);
            await ObserveAsync(storing);
            peer.State.Failed(e.Message);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return (true, false);
            }
            return (false, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<int> ReadChunkAsync(Stream source, byte[] buffer, long remaining)
    {
        int want = (int)Math.Min(buffer.Length, remaining + 1); // +1 notices a peer that sends too much
        int filled = 0;
        while (filled < want)
        {
            int read = await source.ReadAsync(buffer.AsMemory(filled, want - filled));
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    private static async Task<bool> WriteToClientAsync(HttpContext context, ReadOnlyMemory<byte> chunk)
    {
        try
        {
            var flushed = await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> ObserveAsync(Task storing)
    {
        try
        {
            await storing;
            return true;
        }
        catch (Exception e) when (e is StoreException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void WriteBlobHeaders(HttpResponse response, Digest digest, long length)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.Headers.AcceptRanges = "bytes";
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
        _store.ListTags(repository) is not null || _peers.All.Any(p => p.View.Inventory.HasRepository(repository.Value));

    /// <summary>307 to the same URL: the blob is now local, and the ordinary blob path (ranges included) serves it.</summary>
    private static void RedirectToSelf(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.ContentLength = 0;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Served blob {Digest} of {Repository} from peer {Peer} ({Bytes} bytes) and stored it")]
    private static partial void LogBlobReadThrough(ILogger logger, string repository, string digest, string peer, long bytes);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Fetched manifest {Repository}:{Reference} from peer {Peer}")]
    private static partial void LogManifestReadThrough(ILogger logger, string repository, string reference, string peer);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Peer {Peer} served bytes that do not match {Digest}; the response was cut and nothing stored")]
    private static partial void LogLyingPeer(ILogger logger, string peer, string digest);
}
