using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Versions;

/// <summary>
/// The stored version of a tag or a manifest revision: who changed it last, at which version, and whether that
/// change was a delete (a tombstone). A tag's record also names the digest it was set to, so a tag that moved
/// without its record (a push while replication was off) is told apart from the one the record describes.
/// </summary>
public sealed record VersionRecord(long Version, string Node, bool Deleted, Digest? Digest = null);
