namespace EdgeRegistry.Metrics;

/// <summary>What read-through from peers did for clients: outcomes per kind, and blob bytes streamed from a peer.</summary>
internal sealed class ReadThroughCounters
{
    public static readonly string[] Kinds = ["blob", "manifest"];
    public static readonly string[] Outcomes = ["served", "miss", "failed"];

    private readonly long[] _outcomes = new long[Kinds.Length * Outcomes.Length];
    private long _bytes;

    public void Count(ReadThroughKind kind, ReadThroughOutcome outcome) =>
        Interlocked.Increment(ref _outcomes[(int)kind * Outcomes.Length + (int)outcome]);

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public long Get(ReadThroughKind kind, ReadThroughOutcome outcome) =>
        Volatile.Read(ref _outcomes[(int)kind * Outcomes.Length + (int)outcome]);

    public long Bytes => Volatile.Read(ref _bytes);
}
