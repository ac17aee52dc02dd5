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
    /// <summary>
    /// When a manifest digest was last pulled by a client (version = the pull's clock reading): the latest pull on
    /// any node wins, so no node collects what another node's CRI-O pulls by digest.
    /// </summary>
    Pull,
}
