using EdgeRegistry.Storage.Collection;

namespace EdgeRegistry.Status;

/// <summary>Garbage collection in `edgereg status`: the last run, what it reclaimed, the next run, totals since start.</summary>
internal sealed record GcStatus(
    DateTimeOffset? LastRun,
    double? LastRunSeconds,
    int LastRunManifestsDeleted,
    int LastRunBlobsDeleted,
    long LastRunBytesReclaimed,
    DateTimeOffset? NextRun,
    bool Running,
    long Runs,
    long BytesReclaimed,
    string? LastError)
{
    public static GcStatus From(CollectionStatus status) => new(
        status.LastRun?.Started, status.LastRun is { } run ? Math.Round(run.Duration.TotalSeconds, 3) : null,
        status.LastRun?.ManifestsDeleted ?? 0, status.LastRun?.BlobsDeleted ?? 0, status.LastRun?.BytesReclaimed ?? 0,
        status.NextRun, status.Running, status.Runs, status.BytesReclaimed, status.LastError);
}
