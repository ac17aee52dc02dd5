namespace EdgeRegistry.Status;

/// <summary>
/// One peer as this node sees it: whether it answers, how fast, and how far apart the two stores are
/// (objects and bytes each side has that the other lacks), and when they last held the same content.
/// </summary>
internal sealed record PeerStatus(
    string Member,
    bool Reachable,
    double? LatencyMs,
    DateTimeOffset? LastContact,
    long ObjectsTheyHaveWeLack,
    long BytesTheyHaveWeLack,
    long ObjectsWeHaveTheyLack,
    long BytesWeHaveTheyLack,
    DateTimeOffset? LastConvergence,
    string? Error);
