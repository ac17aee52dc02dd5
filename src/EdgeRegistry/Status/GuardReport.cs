using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Capacity;

namespace EdgeRegistry.Status;

/// <summary>
/// The agent's disk guard and store health in `edgereg status` (the <c>guard</c> key of schema version 1; null when
/// the agent is down). <see cref="State"/> is <c>ok</c>, <c>near</c> (within 5% of a limit) or <c>over</c> (pushes get
/// 507, copies wait); <see cref="StoreHealth"/> is the store's write probe: <c>healthy</c>, <c>degraded</c> (writes fail,
/// still serving) or <c>unhealthy</c>.
/// </summary>
internal sealed record GuardReport(
    string State,
    string? Reason,
    long? FreeBytes,
    long? MinFreeBytes,
    string MinFree,
    long? StoreBytes,
    long? MaxStoreBytes,
    long Refusals,
    string? LastRefusal,
    DateTimeOffset? LastRefusalAt,
    int CopiesWaiting,
    string? CopyWaitReason,
    string StoreHealth,
    string? StoreHealthProblem)
{
    public static GuardReport From(DiskGuardSnapshot guard, StoreHealth health, int copiesWaiting, string? copyWaitReason) => new(
        guard.State.ToString().ToLowerInvariant(),
        guard.Reason,
        guard.FreeBytes,
        guard.MinFreeBytes,
        guard.MinFree,
        guard.StoreBytes,
        guard.MaxStoreBytes,
        guard.Refusals,
        guard.LastRefusal,
        guard.LastRefusalAt,
        copiesWaiting,
        copyWaitReason,
        health.State.ToString().ToLowerInvariant(),
        health.Problem);
}
