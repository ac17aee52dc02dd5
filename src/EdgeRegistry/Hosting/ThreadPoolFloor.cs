namespace EdgeRegistry.Hosting;

/// <summary>
/// Raises the thread pool's minimum of worker threads for the serving process. The store's writes are synchronous:
/// each holds a pool thread through its fsyncs. A rehydrating node runs 16 small-blob copies and up to 32 manifest
/// and tag applies at once, each blocked on the disk most of the time, beside the clients' requests. Above its
/// minimum (one thread per core: 2 on an edge node) the pool adds threads only as it notices starvation, a couple
/// per second, so the copies queued behind too few threads: on journaled ext4, 10 k small objects rehydrated at
/// 280–320 objects/s with the default and 440–450/s with a floor of 64 (issue 12, tests/bench/RESULTS.md).
/// The pool still makes a thread only when work waits for one, so an idle node does not start 64 of them.
/// </summary>
internal static class ThreadPoolFloor
{
    public const int MinWorkerThreads = 64;

    public static void Apply()
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        if (workers < MinWorkerThreads) ThreadPool.SetMinThreads(MinWorkerThreads, completionPorts);
    }
}
