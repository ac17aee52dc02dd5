namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// The faults armed on a <see cref="FaultInjectingFileSystem"/> and its <see cref="FaultInjectingFileSync"/>.
/// Thread-safe: the store under test may write from several tasks while a test arms or clears faults.
/// Every injected fault is counted, so a test can prove its fault really was on the store's path.
/// </summary>
public sealed class FaultPlan
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = [];
    private readonly List<FaultHold> _holds = [];
    private int _injected;

    /// <summary>What a power cut would take back now (writes, creations, renames and unlinks not yet fsynced).</summary>
    public PowerCut PowerCut { get; } = new();

    /// <summary>How many faults have been injected since the plan was created.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public static Func<string, bool> AnyPath { get; } = static _ => true;

    public FaultRule Arm(FaultOperation operation, Func<string, bool>? path, Func<string, Exception> error,
        long? byteBudget = null, int? times = null)
    {
        var rule = new FaultRule(operation, path ?? AnyPath, error, byteBudget, times);
        lock (_gate) _rules.Add(rule);
        return rule;
    }

    /// <summary>The disk fills up: matching writes pass <paramref name="bytes"/> more bytes, then fail with ENOSPC until cleared.</summary>
    public FaultRule FailWritesAfter(long bytes, Func<string, bool>? path = null) =>
        Arm(FaultOperation.Write, path, IoErrors.NoSpace, byteBudget: bytes);

    /// <summary>The next write to a matching path fails with ENOSPC (once).</summary>
    public FaultRule FailNextWrite(Func<string, bool>? path = null) =>
        Arm(FaultOperation.Write, path, IoErrors.NoSpace, times: 1);

    /// <summary>Reads of matching paths fail with EIO until cleared.</summary>
    public FaultRule FailReads(Func<string, bool>? path = null) => Arm(FaultOperation.Read, path, IoErrors.InputOutput);

    /// <summary>Moves whose source or destination matches fail with EIO until cleared.</summary>
    public FaultRule FailMoves(Func<string, bool>? path = null) => Arm(FaultOperation.Move, path, IoErrors.InputOutput);

    /// <summary>Stream flushes of matching paths fail with ENOSPC (where delayed allocation reports a full disk).</summary>
    public FaultRule FailFlushes(Func<string, bool>? path = null) => Arm(FaultOperation.Flush, path, IoErrors.NoSpace);

    /// <summary>fsync of matching files or directories fails with EIO until cleared.</summary>
    public FaultRule FailFsync(Func<string, bool>? path = null) => Arm(FaultOperation.Fsync, path, IoErrors.InputOutput);

    /// <summary>Opening or creating matching files fails with ENOSPC until cleared.</summary>
    public FaultRule FailOpens(Func<string, bool>? path = null) => Arm(FaultOperation.Open, path, IoErrors.NoSpace);

    /// <summary>Opens of matching paths wait until the hold is released (see <see cref="FaultHold"/>); not cleared by <see cref="Clear"/>.</summary>
    public FaultHold HoldOpens(Func<string, bool> path)
    {
        var hold = new FaultHold(path);
        lock (_gate) _holds.Add(hold);
        return hold;
    }

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    /// <summary>Throws the armed fault for a non-write operation on <paramref name="path"/>, if any.</summary>
    public void Check(FaultOperation operation, string path)
    {
        if (operation == FaultOperation.Open)
        {
            FaultHold[] holds;
            lock (_gate) holds = [.. _holds];
            foreach (var hold in holds) hold.WaitIfMatching(path);
        }
        Exception? error = null;
        lock (_gate)
        {
            var rule = FindRule(operation, path);
            if (rule is not null) error = Fire(rule, path);
        }
        if (error is not null) throw error;
    }

    /// <summary>
    /// Decides how much of a <paramref name="count"/>-byte write to <paramref name="path"/> goes through.
    /// Returns <paramref name="count"/> when no fault applies; otherwise the caller writes the returned prefix
    /// (a short write, as a filling disk produces) and then throws <paramref name="error"/>.
    /// </summary>
    public int AdmitWrite(string path, int count, out Exception? error)
    {
        error = null;
        lock (_gate)
        {
            var rule = FindRule(FaultOperation.Write, path);
            if (rule is null) return count;
            if (rule.ByteBudget is { } budget)
            {
                if (budget >= count)
                {
                    rule.ByteBudget = budget - count;
                    return count;
                }
                rule.ByteBudget = 0;
                error = Fire(rule, path);
                return (int)budget;
            }
            error = Fire(rule, path);
            return 0;
        }
    }

    private FaultRule? FindRule(FaultOperation operation, string path)
    {
        foreach (var rule in _rules)
        {
            if (rule.Operation == operation && !rule.Exhausted && rule.Matches(path)) return rule;
        }
        return null;
    }

    private Exception Fire(FaultRule rule, string path)
    {
        rule.Fired++;
        if (rule.RemainingHits is { } hits) rule.RemainingHits = hits - 1;
        Interlocked.Increment(ref _injected);
        return rule.Error(path);
    }
}
