namespace EdgeRegistry.Replication.Users;

/// <summary>
/// One user as the cluster knows it: the hash text from the credentials file, or null when the user was removed
/// (a tombstone, kept so the removal reaches a node that was away), with the version that orders concurrent
/// changes: (Version, Node) compared in that order, as for the store's entries, so every node picks the same winner.
/// </summary>
internal sealed record UserVersion(string User, string? Hash, long Version, string Node)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Removed => Hash is null;

    public bool Supersedes(UserVersion other)
    {
        int byVersion = Version.CompareTo(other.Version);
        if (byVersion != 0) return byVersion > 0;
        int byNode = string.CompareOrdinal(Node, other.Node);
        if (byNode != 0) return byNode > 0;
        // The same version from the same node twice can only differ if something lied; prefer the removal.
        return Removed && !other.Removed;
    }
}

/// <summary>A node's whole table of users and tombstones, as the peer API serves it and the ledger stores it.</summary>
internal sealed record UserTable(string Node, IReadOnlyList<UserVersion> Users);
