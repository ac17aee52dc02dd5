namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// One armed fault: which operation, on which paths, when it fires and what it throws. A rule with a byte
/// budget lets that many bytes through and then fails every later write it matches, the way a disk that
/// has filled up keeps failing; a rule with a count fires that many times and then disarms itself.
/// </summary>
public sealed class FaultRule
{
    public FaultRule(FaultOperation operation, Func<string, bool> matches, Func<string, Exception> error,
        long? byteBudget, int? remainingHits)
    {
        Operation = operation;
        Matches = matches;
        Error = error;
        ByteBudget = byteBudget;
        RemainingHits = remainingHits;
    }

    public FaultOperation Operation { get; }

    public Func<string, bool> Matches { get; }

    public Func<string, Exception> Error { get; }

    /// <summary>Bytes still allowed through before the rule fires (writes only); null fires at once.</summary>
    public long? ByteBudget { get; set; }

    /// <summary>How many more times the rule fires; null means until the plan is cleared.</summary>
    public int? RemainingHits { get; set; }

    /// <summary>How often this rule has fired.</summary>
    public int Fired { get; set; }

    public bool Exhausted => RemainingHits is <= 0;
}
