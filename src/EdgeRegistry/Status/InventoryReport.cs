using EdgeRegistry.Replication.Inventory;

namespace EdgeRegistry.Status;

/// <summary>
/// A clustered node's replication inventory in `edgereg status`: being built in the background (with its progress) or
/// complete. Null on a stand-alone node. While it is built the node serves its own store, but replication waits.
/// </summary>
internal sealed record InventoryReport(
    string State,
    long ManifestsRead,
    int Entries,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double Seconds,
    int Attempts,
    string? LastError)
{
    public const string Building = "building";
    public const string Complete = "complete";

    public static InventoryReport From(InventoryBuild build, int entries) => new(
        build.IsComplete ? Complete : Building, build.ManifestsRead, entries, build.StartedAt, build.CompletedAt,
        Math.Round(build.Elapsed.TotalSeconds, 3), build.Attempts, build.LastError);
}
