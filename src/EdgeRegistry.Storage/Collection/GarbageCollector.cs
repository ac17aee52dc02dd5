using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// Online mark-and-sweep over the store, safe while it serves pushes, pulls and replication.
/// <list type="number">
/// <item>Retention: in repositories whose policy restricts tags, tags that match no keep pattern and are not among
/// the N most recently pushed are deleted (unless pinned or younger than the grace period).</item>
/// <item>Mark: the roots are every remaining tag, every pin, and every manifest pushed or pulled (on any node:
/// <see cref="PullRecords"/> holds the cluster's latest pull) within the retention window or younger than the grace
/// period; from them, everything they reference — child manifests of an index, and the referrers of a kept
/// subject — is kept too. A manifest that cannot be read is kept, and stops the blob sweep: what it references is
/// unknown.</item>
/// <item>Manifests not kept are deleted through the store like an API delete, so they replicate as tombstones:
/// the cluster converges on the decision.</item>
/// <item>Sweep: a blob that no remaining manifest references (nor is one), older than the grace period, is removed
/// — only this node's copy; it never replicates as a delete.</item>
/// </list>
/// Every delete first claims its digest from <see cref="ContentLeases"/>, which refuses anything a write or a read
/// used since the collection began: that, not the grace period, is what makes the race with a push impossible.
/// </summary>
public sealed partial class GarbageCollector
{
    private readonly RegistryStore _store;
    private readonly CollectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IClusterRoots? _cluster;

    /// <param name="cluster">What the peers still need (replication's view); null for a node alone or the store offline.</param>
    public GarbageCollector(RegistryStore store, CollectionOptions options, TimeProvider time, ILogger logger, IClusterRoots? cluster = null)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _cluster = cluster;
    }

    /// <summary>Runs one collection (blocking: it is file-system work). Throws <see cref="StoreException"/> on an I/O failure.</summary>
    public CollectionReport Collect(bool dryRun, string reason, CancellationToken cancellationToken = default)
    {
        var started = _time.GetUtcNow();
        var leases = _store.Leases;
        if (!dryRun) leases.BeginCollection();
        CollectionRun run;
        try
        {
            // Read after the run began: whatever replication applies from now on is leased, so the claims see it.
            run = new CollectionRun(_store, _options, started, dryRun, _cluster?.Read() ?? ClusterRoots.None);
            LogStarted(_logger, dryRun ? "dry run" : "collection", reason);
            run.ApplyRetention(cancellationToken);
            run.CollectManifests(cancellationToken);
            run.SweepBlobs(cancellationToken);
        }
        finally
        {
            if (!dryRun) leases.EndCollection();
        }
        var report = run.Report(_time.GetUtcNow() - started, reason);
        foreach (string note in report.Notes) LogNote(_logger, note);
        LogFinished(_logger, dryRun ? "would delete" : "deleted", report.ManifestsDeleted, report.TagsDeleted, report.BlobsDeleted,
            report.BytesReclaimed, report.KeptInUse, report.Duration.TotalSeconds);
        return report;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Garbage {Mode} started ({Reason})")]
    private static partial void LogStarted(ILogger logger, string mode, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information,
        Message = "Garbage collection {Verb} {Manifests} manifests, {Tags} tags, {Blobs} blobs ({Bytes} bytes); {InUse} kept in use; {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, string verb, int manifests, int tags, int blobs, long bytes, int inUse, double seconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Garbage collection: {Note}")]
    private static partial void LogNote(ILogger logger, string note);
}
