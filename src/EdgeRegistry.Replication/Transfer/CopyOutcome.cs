namespace EdgeRegistry.Replication.Transfer;

/// <summary>How one copy of a blob from one peer ended (see <see cref="BlobCopier"/>).</summary>
internal enum CopyOutcome
{
    /// <summary>Every announced byte was taken (for an import: not yet verified, that is the commit's job).</summary>
    Complete,
    /// <summary>A small blob copied inline (<see cref="Convergence.BlobFetcher"/>): verified, stored and linked already.</summary>
    Stored,
    /// <summary>The peer does not hold the blob (or no longer): ask another.</summary>
    NotThere,
    /// <summary>The peer failed mid-way or answered unusably (down, cut, wrong range); what was written stays.</summary>
    PeerFailed,
    /// <summary>The peer sent bytes that cannot be the blob (more than announced, or a wrong digest): nothing of it may be kept.</summary>
    PeerLied,
    /// <summary>The local disk failed (full, I/O error): another peer would not help now.</summary>
    DiskFailed,
    /// <summary>Stopped on request (a client claimed the copy, or the asker left); what was written stays.</summary>
    Stopped,
}
