namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// One peer as `edgereg status` shows it: health, and how far apart the two stores are. <paramref name="Building"/>:
/// it answers, but is still building its inventory, so nothing is learned from it yet.
/// </summary>
public sealed record PeerReport(
    string Member,
    bool Reachable,
    double? LatencyMs,
    DateTimeOffset? LastContact,
    long ObjectsTheyHaveWeLack,
    long BytesTheyHaveWeLack,
    long ObjectsWeHaveTheyLack,
    long BytesWeHaveTheyLack,
    DateTimeOffset? LastConvergence,
    string? Error,
    bool Building = false);
