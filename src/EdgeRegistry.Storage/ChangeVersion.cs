namespace EdgeRegistry.Storage;

/// <summary>
/// The cluster-wide version a write already has because another node made it first: replication passes it with
/// the write so the change is recorded at the peer's version, not as a new local update (which would make a
/// replicated change look newer than it is). Client writes pass none and get a fresh version when recorded.
/// </summary>
public readonly record struct ChangeVersion(long Version, string Node);
