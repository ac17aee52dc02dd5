namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// The running agent's garbage collection: scheduled by <c>--gc-interval</c>, and on demand — from <c>edgereg gc</c>
/// over the status socket, or from anything in the process that needs space (the disk guard asks for an early run
/// near the limit with <see cref="RequestRun"/>). One collection runs at a time; a request while one runs is
/// served by the next.
/// </summary>
public interface IGarbageCollection
{
    /// <summary>Runs a collection now (waiting for one under way to finish first) and reports what it deleted.</summary>
    Task<CollectionReport> RunAsync(string reason, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Asks for a collection soon, without waiting for it (e.g. "free space below --min-free").</summary>
    void RequestRun(string reason);

    /// <summary>The last run, the next scheduled one and the totals since start (for status and metrics).</summary>
    CollectionStatus Status { get; }
}

/// <summary>What <see cref="IGarbageCollection.Status"/> reports; <c>Failures</c> counts the runs that failed since start.</summary>
public sealed record CollectionStatus(CollectionReport? LastRun, DateTimeOffset? NextRun, bool Running, long Runs,
    long ManifestsDeleted, long TagsDeleted, long BlobsDeleted, long BytesReclaimed, string? LastError, long Failures = 0);
