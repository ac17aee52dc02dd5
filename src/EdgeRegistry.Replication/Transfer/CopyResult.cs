namespace EdgeRegistry.Replication.Transfer;

/// <summary>
/// What a copy did, and why when it did not complete (for the peer's state and the log); <paramref name="Bytes"/>: the
/// blob's length when the copy itself stored it (<see cref="CopyOutcome.Stored"/>), for the fetch counters.
/// </summary>
internal readonly record struct CopyResult(CopyOutcome Outcome, string? Reason = null, long Bytes = 0)
{
    public static readonly CopyResult Complete = new(CopyOutcome.Complete);
    public static readonly CopyResult NotThere = new(CopyOutcome.NotThere);
    public static readonly CopyResult Stopped = new(CopyOutcome.Stopped);

    /// <summary>The outcome is the peer's fault: it goes into back-off.</summary>
    public bool BlamesPeer => Outcome is CopyOutcome.PeerFailed or CopyOutcome.PeerLied;
}
