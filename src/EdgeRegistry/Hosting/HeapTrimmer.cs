namespace EdgeRegistry.Hosting;

/// <summary>
/// Gives the managed heap back to the OS once a burst of work is over. The workstation GC collects gen2 only when
/// its budget runs out and decommits free regions only a little per collection, so an idle process never does
/// either: the path strings and queues of a walk over 100 k objects (the census, the upload purge, the inventory
/// build, a rehydration served to a peer) outlive the walk in gen2 and stay resident while nothing allocates. Measured
/// on a 100 k-object store: 54 MB of heap and 64 MB committed after the start-up walks with 0.6 MB live; after a
/// plain full collection still 51 MB committed. Only an aggressive collection decommits.
/// Every <see cref="CheckInterval"/> this compares the committed heap with what it was after the last trim and, when
/// it grew by <see cref="GrowthBytes"/> or more, runs one aggressive compacting collection. Its cost is a pause in
/// proportion to the live heap (tens of milliseconds for the inventory of 300 k objects), at most once per interval
/// and only after the heap grew; a steady node never pays it.
/// </summary>
internal sealed class HeapTrimmer(TimeProvider time) : BackgroundService
{
    /// <summary>Often enough that a walk's leftovers are gone before the unit's MemoryHigh would throttle us for them.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Growth worth a full pause: below it the GC's own budgets keep the heap where it is anyway.</summary>
    public const long GrowthBytes = 16L << 20;

    // TrimNow runs on the timer's loop and once from the inventory build's completion (RegistryHost.OpenStore).
    private readonly Lock _trimming = new();
    private long _baseline = Committed();

    /// <summary>Trims made since start (for the tests and the benchmark's reading of them).</summary>
    public int Trims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await ServiceNotifications.WaitAsync(timer, stoppingToken).ConfigureAwait(false)) TrimIfGrown();
    }

    /// <summary>Collects aggressively when the committed heap grew by <see cref="GrowthBytes"/> since the last trim; true when it did.</summary>
    internal bool TrimIfGrown()
    {
        if (!IsDue(Committed(), _baseline)) return false;
        TrimNow();
        return true;
    }

    /// <summary>
    /// One aggressive compacting collection now, and the baseline taken after it: for the host once the start-up walks
    /// (replication's inventory build: a clustered node with 100 k objects idled at ~200 MB instead of ~100 without it)
    /// are done, so their garbage is given back before serving and never counted as the heap a later growth is measured from.
    /// </summary>
    public void TrimNow()
    {
        lock (_trimming)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _baseline = Committed();
            Trims++;
        }
    }

    /// <summary>The rule alone: grown by at least <see cref="GrowthBytes"/> over the baseline.</summary>
    internal static bool IsDue(long committed, long baseline) => committed - baseline >= GrowthBytes;

    /// <summary>The committed heap as of the last collection (allocation triggers one every gen0 budget, 6 MiB).</summary>
    private static long Committed() => GC.GetGCMemoryInfo().TotalCommittedBytes;
}
