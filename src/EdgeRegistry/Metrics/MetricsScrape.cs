using EdgeRegistry.Cli;
using EdgeRegistry.Replication;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Status;
using EdgeRegistry.Transport;
using EdgeRegistry.Upstream;
using EdgeRegistry.Upstream.Client;
using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Metrics;

/// <summary>
/// One scrape: reads counters and gauges that are already in memory. Store sizes come from the status
/// feature's cached census, so a scrape never walks the store; replication parts appear only on a clustered node.
/// </summary>
internal sealed class MetricsScrape
{
    private readonly RequestCounters _requests;
    private readonly ReadThroughCounters _readThrough;
    private readonly CachedStoreCensus _census;
    private readonly TimeProvider _time;
    private readonly ReplicationCounters? _replication;
    private readonly IReplicationBacklog? _fetchQueue;
    private readonly Replication.Inventory.InventoryBuild? _inventory;
    private readonly PeerSet? _peers;
    private readonly TransportCounters? _transport;
    private readonly Storage.Collection.IGarbageCollection? _collection;
    private readonly Storage.Capacity.DiskGuard _guard;
    private readonly UpstreamCounters? _upstream;
    private readonly UpstreamClients? _upstreamClients;
    private readonly Scrub.ScrubService? _scrub;

    public MetricsScrape(IServiceProvider services)
    {
        _requests = services.GetRequiredService<RequestCounters>();
        _readThrough = services.GetRequiredService<ReadThroughCounters>();
        _census = services.GetRequiredService<CachedStoreCensus>();
        _time = services.GetRequiredService<TimeProvider>();
        _replication = services.GetService<ReplicationCounters>();
        _fetchQueue = services.GetService<IReplicationBacklog>();
        _inventory = services.GetService<Replication.Inventory.InventoryBuild>();
        _peers = services.GetService<PeerSet>();
        _guard = services.GetRequiredService<Storage.IRegistryStore>().Guard;
        _transport = (services.GetService<IConnectionListenerFactory>() as TcpTransportFactory)?.Counters;
        _collection = services.GetService<Storage.Collection.IGarbageCollection>();
        _upstream = services.GetService<UpstreamCounters>();
        _upstreamClients = services.GetService<UpstreamClients>();
        _scrub = services.GetService<Scrub.ScrubService>();
    }

    public async Task<string> WriteAsync(CancellationToken cancellationToken)
    {
        var text = new PrometheusText();

        text.Family("edgereg_http_requests_total", "counter", "HTTP requests answered, by API route, method and status code.");
        foreach (var (route, method, code, count) in _requests.Requests())
        {
            text.Sample("edgereg_http_requests_total", count, ("route", route), ("method", method), ("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        text.Family("edgereg_http_response_bytes_total", "counter", "Response body bytes announced by Content-Length (HEAD excluded), by API route.");
        foreach (var (route, bytes) in _requests.ResponseBytes())
        {
            text.Sample("edgereg_http_response_bytes_total", bytes, ("route", route));
        }

        text.Family("edgereg_read_through_total", "counter", "Client requests for content this node lacked, answered through a peer: served, miss (no peer had it) or failed.");
        for (int k = 0; k < ReadThroughCounters.Kinds.Length; k++)
        {
            for (int o = 0; o < ReadThroughCounters.Outcomes.Length; o++)
            {
                text.Sample("edgereg_read_through_total", _readThrough.Get((ReadThroughKind)k, (ReadThroughOutcome)o),
                    ("kind", ReadThroughCounters.Kinds[k]), ("outcome", ReadThroughCounters.Outcomes[o]));
            }
        }

        text.Family("edgereg_read_through_bytes_total", "counter", "Blob bytes streamed to clients straight from a peer.")
            .Sample("edgereg_read_through_bytes_total", _readThrough.Bytes);
        text.Family("edgereg_replication_fetched_blobs_total", "counter", "Blobs copied from peers by background convergence.")
            .Sample("edgereg_replication_fetched_blobs_total", _replication?.FetchedBlobs ?? 0);
        text.Family("edgereg_replication_fetched_bytes_total", "counter", "Bytes of blobs copied from peers by background convergence.")
            .Sample("edgereg_replication_fetched_bytes_total", _replication?.FetchedBytes ?? 0);

        if (_inventory is not null)
        {
            // A clustered node: whether replication has started (0 while the store is walked at start-up) and how far the walk is.
            text.Family("edgereg_replication_inventory_ready", "gauge", "1 once this node's replication inventory is built; 0 while it is built at start-up.")
                .Sample("edgereg_replication_inventory_ready", _inventory.IsComplete ? 1 : 0);
            text.Family("edgereg_replication_inventory_manifests_read", "gauge", "Manifests the inventory build has read (all of them once it is complete).")
                .Sample("edgereg_replication_inventory_manifests_read", _inventory.ManifestsRead);
            text.Family("edgereg_replication_inventory_build_milliseconds", "gauge", "How long the inventory build took, or has taken so far.")
                .Sample("edgereg_replication_inventory_build_milliseconds", (long)_inventory.Elapsed.TotalMilliseconds);
        }

        if (_collection?.Status is { } gc)
        {
            text.Family("edgereg_gc_runs_total", "counter", "Garbage collections completed (dry runs excluded).").Sample("edgereg_gc_runs_total", gc.Runs);
            text.Family("edgereg_gc_failures_total", "counter", "Garbage collections that failed (the agent goes on serving; the next run tries again).")
                .Sample("edgereg_gc_failures_total", gc.Failures);
            text.Family("edgereg_gc_deleted_total", "counter", "Objects garbage collection deleted, by kind.")
                .Sample("edgereg_gc_deleted_total", gc.ManifestsDeleted, ("kind", "manifest"))
                .Sample("edgereg_gc_deleted_total", gc.TagsDeleted, ("kind", "tag"))
                .Sample("edgereg_gc_deleted_total", gc.BlobsDeleted, ("kind", "blob"));
            text.Family("edgereg_gc_reclaimed_bytes_total", "counter", "Blob bytes garbage collection freed.")
                .Sample("edgereg_gc_reclaimed_bytes_total", gc.BytesReclaimed);
            text.Family("edgereg_gc_last_run_timestamp_seconds", "gauge", "When the last garbage collection started (0: none yet).")
                .Sample("edgereg_gc_last_run_timestamp_seconds", gc.LastRun?.Started.ToUnixTimeSeconds() ?? 0);
        }
        if (_scrub is not null) WriteScrub(text, _scrub);
        UpstreamMetrics.Write(text, _requests, _readThrough, _upstream, _upstreamClients);

        if (_transport is not null)
        {
            text.Family("edgereg_sendfile_bytes_total", "counter", "Blob bytes the kernel sent straight from the store's files (sendfile).")
                .Sample("edgereg_sendfile_bytes_total", _transport.FileBytesSent);
            text.Family("edgereg_sendfile_failed_total", "counter", "File sends cut short: the client left or stalled, or a blob file ended before its length.")
                .Sample("edgereg_sendfile_failed_total", _transport.FileSendsFailed);
            text.Family("edgereg_sendfile_refused_total", "counter", "File sends the file system refused (no sendfile there); those bodies were copied instead.")
                .Sample("edgereg_sendfile_refused_total", _transport.FileSendsRefused);
        }

        if (_fetchQueue is not null)
        {
            text.Family("edgereg_replication_pending_blobs", "gauge", "Blobs waiting to be copied from peers or being copied.")
                .Sample("edgereg_replication_pending_blobs", _fetchQueue.Pending);
        }

        if (_peers is not null)
        {
            text.Family("edgereg_peer_up", "gauge", "1 when the peer answered its last request, else 0.");
            foreach (var peer in _peers.All)
            {
                text.Sample("edgereg_peer_up", peer.Reachable ? 1 : 0, ("peer", peer.Member));
            }

            // Up is not healthy: a peer still building its inventory answers 503 to its feed, and teaches us nothing.
            text.Family("edgereg_peer_building", "gauge", "1 when the peer answers but is still building its inventory, else 0.");
            foreach (var peer in _peers.All)
            {
                text.Sample("edgereg_peer_building", peer.Building ? 1 : 0, ("peer", peer.Member));
            }
        }

        var census = await _census.GetAsync(cancellationToken).ConfigureAwait(false);
        if (census?.Counts is { } counts)
        {
            text.Family("edgereg_store_repositories", "gauge", "Repositories in the store (as of the last census: see edgereg_store_counted_age_seconds).")
                .Sample("edgereg_store_repositories", counts.Repositories);
            text.Family("edgereg_store_manifests", "gauge", "Distinct manifests in the store (as of the last census).")
                .Sample("edgereg_store_manifests", counts.Manifests);
            text.Family("edgereg_store_blobs", "gauge", "Blobs in the store (as of the last census).")
                .Sample("edgereg_store_blobs", counts.Blobs);
            text.Family("edgereg_store_bytes", "gauge", "Bytes of blob content in the store (as of the last census).")
                .Sample("edgereg_store_bytes", counts.Bytes);
            text.Family("edgereg_store_counted_age_seconds", "gauge", "Age of the store counts above (recounted in the background after writes).")
                .Sample("edgereg_store_counted_age_seconds", Math.Max(0, (long)(_time.GetUtcNow() - counts.CountedAt).TotalSeconds));
        }

        if (DiskSpace.Of(_census.Root) is { } disk)
        {
            text.Family("edgereg_store_free_bytes", "gauge", "Bytes available to edgereg on the store's file system.")
                .Sample("edgereg_store_free_bytes", disk.FreeBytes);
        }

        WriteGuard(text);

        text.Family("edgereg_build_info", "gauge", "Always 1; the version label tells which build is running.")
            .Sample("edgereg_build_info", 1, ("version", VersionCommand.Version));
        text.Family("edgereg_process_resident_bytes", "gauge", "Resident memory of the edgereg process.")
            .Sample("edgereg_process_resident_bytes", Environment.WorkingSet);
        WriteManagedHeap(text);
        return text.ToString();
    }

    /// <summary>
    /// The managed heap beside the resident figure, so an operator (and the benchmark) can tell live objects from heap
    /// the GC keeps committed and from native memory: resident minus committed is everything that is not GC heap.
    /// </summary>
    private static void WriteManagedHeap(PrometheusText text)
    {
        var info = GC.GetGCMemoryInfo();
        text.Family("edgereg_process_gc_heap_bytes", "gauge", "Managed heap after the last garbage collection (live objects and fragmentation).")
            .Sample("edgereg_process_gc_heap_bytes", info.HeapSizeBytes);
        text.Family("edgereg_process_gc_committed_bytes", "gauge", "Memory the garbage collector holds committed (resident once touched).")
            .Sample("edgereg_process_gc_committed_bytes", info.TotalCommittedBytes);
    }

    /// <summary>The disk guard: what it sees, its limits, and what it refused or holds back.</summary>
    private void WriteGuard(PrometheusText text)
    {
        var guard = _guard.Snapshot();
        text.Family("edgereg_guard_state", "gauge", "The disk guard: 0 within its limits, 1 near one (within 5%), 2 at one (pushes get 507, copies wait).")
            .Sample("edgereg_guard_state", (int)guard.State);
        if (guard.FreeBytes is long free)
        {
            text.Family("edgereg_guard_free_bytes", "gauge", "Free bytes on the store's file system as the guard counts them (writes in progress subtracted).")
                .Sample("edgereg_guard_free_bytes", free);
        }
        if (guard.MinFreeBytes is long minFree)
        {
            text.Family("edgereg_guard_min_free_bytes", "gauge", "The --min-free limit in bytes: writes that would leave less free are refused.")
                .Sample("edgereg_guard_min_free_bytes", minFree);
        }
        if (guard.MaxStoreBytes is long max)
        {
            text.Family("edgereg_guard_max_store_bytes", "gauge", "The --max-store-bytes limit.")
                .Sample("edgereg_guard_max_store_bytes", max);
        }
        text.Family("edgereg_guard_refusals_total", "counter", "Writes the disk guard refused: pushes answered 507, copies it did not let begin.")
            .Sample("edgereg_guard_refusals_total", guard.Refusals);
        if (_replication is not null)
        {
            text.Family("edgereg_replication_copies_waiting_for_space", "gauge", "Background copies from peers waiting for the disk guard to allow them.")
                .Sample("edgereg_replication_copies_waiting_for_space", _replication.WaitingForSpace);
        }
    }

    private static void WriteScrub(PrometheusText text, Scrub.ScrubService scrub)
    {
        var report = scrub.Report();
        text.Family("edgereg_scrub_bytes_total", "counter", "Blob bytes the scrub re-hashed since start.")
            .Sample("edgereg_scrub_bytes_total", report.BytesScrubbed);
        text.Family("edgereg_scrub_passes_total", "counter", "Full scrub passes completed since start.")
            .Sample("edgereg_scrub_passes_total", report.Passes);
        text.Family("edgereg_scrub_failed_passes_total", "counter", "Scrub passes that failed since start (each is resumed later from its checkpoint).")
            .Sample("edgereg_scrub_failed_passes_total", report.FailedPasses);
        text.Family("edgereg_scrub_damaged_total", "counter", "Damaged objects found (by the scrub or a read) and quarantined, by kind.");
        foreach (var (kind, count) in scrub.FoundByKind())
        {
            text.Sample("edgereg_scrub_damaged_total", count, ("kind", Storage.Scrub.Damage.Label(kind)));
        }
        text.Family("edgereg_scrub_repaired_total", "counter", "Damaged objects copied back from a peer.")
            .Sample("edgereg_scrub_repaired_total", report.Repaired);
        text.Family("edgereg_scrub_unrepaired", "gauge", "Damaged objects no peer could give back yet (their manifests answer 404 here).")
            .Sample("edgereg_scrub_unrepaired", scrub.UnrepairedCount);
        text.Family("edgereg_scrub_last_pass_timestamp_seconds", "gauge", "When the last full scrub pass ended (0: none yet).")
            .Sample("edgereg_scrub_last_pass_timestamp_seconds", report.LastPassEnded?.ToUnixTimeSeconds() ?? 0);
    }
}
