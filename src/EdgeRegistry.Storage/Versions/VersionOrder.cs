using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Versions;

/// <summary>
/// The one rule every node orders concurrent updates of a tag, manifest or blob link by: the greater
/// (version, node) wins; for the same version from the same node a delete wins, then the higher digest, so the
/// order is total and all nodes pick the same winner whatever order they learn of the updates in.
/// </summary>
public static class VersionOrder
{
    /// <summary>True when the update (version, node, deleted, digest) should replace <paramref name="other"/>.</summary>
    public static bool Supersedes(long version, string node, bool deleted, Digest? digest, VersionRecord other)
    {
        int byVersion = version.CompareTo(other.Version);
        if (byVersion != 0) return byVersion > 0;
        int byNode = string.CompareOrdinal(node, other.Node);
        if (byNode != 0) return byNode > 0;
        if (deleted != other.Deleted) return deleted;
        return string.CompareOrdinal(digest?.ToString(), other.Digest?.ToString()) > 0;
    }
}
