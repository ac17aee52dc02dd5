using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Scrub;

/// <summary>
/// Where a damaged blob's good copy comes from: the cluster's peers (replication implements it). Without one — a
/// stand-alone node — damage is quarantined and logged, and stays unrepaired.
/// </summary>
public interface IScrubRepair
{
    /// <summary>
    /// Copies the blob back from a peer that holds a good copy — verified against its digest and committed atomically,
    /// like any import — and links it where <paramref name="damage"/> says it belongs.
    /// </summary>
    Task<RepairResult> RepairAsync(Damage damage, CancellationToken cancellationToken);

    /// <summary>True while the blob is on its way from a peer (replication links a manifest's blobs before their bytes arrive).</summary>
    bool IsArriving(Digest digest);
}

/// <summary>The outcome of one repair: <see cref="Detail"/> names the peer it came from, or why none could give it.</summary>
public readonly record struct RepairResult(bool Repaired, string Detail);
