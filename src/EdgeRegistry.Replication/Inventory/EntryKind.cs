namespace EdgeRegistry.Replication.Inventory;

/// <summary>The kinds of object the cluster keeps converged.</summary>
internal enum EntryKind
{
    /// <summary>Blob bytes (content-addressed, shared by repositories).</summary>
    Blob,
    /// <summary>A manifest revision in a repository.</summary>
    Manifest,
    /// <summary>A tag in a repository and the digest it points at.</summary>
    Tag,
}
