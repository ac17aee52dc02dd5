namespace EdgeRegistry.Metrics;

/// <summary>The <c>outcome</c> label of read-through counters; the order matches <see cref="ReadThroughCounters.Outcomes"/>.</summary>
internal enum ReadThroughOutcome
{
    Served,
    Miss,
    Failed,
}
