namespace EdgeRegistry.Metrics;

/// <summary>The <c>kind</c> label of read-through counters; the order matches <see cref="ReadThroughCounters.Kinds"/>.</summary>
internal enum ReadThroughKind
{
    Blob,
    Manifest,
}
