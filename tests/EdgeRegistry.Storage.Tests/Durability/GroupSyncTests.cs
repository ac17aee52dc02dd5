using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// The group commit of the temp directory's fsync (<see cref="GroupSync"/>), on a real directory with real fsyncs:
/// concurrent writers share rounds, each returns only after an fsync that started after it asked, and a failed
/// fsync fails every writer of its round.
/// </summary>
public sealed class GroupSyncTests : IDisposable
{
    private const int Writers = 16;

    /// <summary>
    /// Writers on threads of their own: the thread pool of a 2-core machine starts with 2 threads, and two writers
    /// alternate rounds instead of sharing them.
    /// </summary>
    private static Task<T> OnThread<T>(Func<T> body)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(body()); }
            catch (Exception e) { done.SetException(e); }
        }) { IsBackground = true };
        thread.Start();
        return done.Task;
    }
    private const int FlushesPerWriter = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The production fsync, with each call's start and end numbered: what a writer's flush was covered by.</summary>
    private sealed class RecordingSync(Func<string, Exception?>? fail = null) : IFileSync
    {
        private long _clock;
        public readonly List<(long Started, long Ended, bool Failed)> Syncs = [];

        public long Now() => Interlocked.Increment(ref _clock);

        public void FlushFile(Stream stream) => PosixFileSync.Instance.FlushFile(stream);

        public IFileAppender CreateAppender(string path) => PosixFileSync.Instance.CreateAppender(path);

        public void FlushDirectory(string path)
        {
            long started = Now();
            Thread.Sleep(2); // a disk's commit takes a while: writers arriving meanwhile queue for the next round
            var error = fail?.Invoke(path);
            if (error is null) PosixFileSync.Instance.FlushDirectory(path);
            long ended = Now();
            lock (Syncs) Syncs.Add((started, ended, error is not null));
            if (error is not null) throw error;
        }
    }

    [Fact]
    public async Task Flush_ManyConcurrentWriters_EachCoveredByAnFsyncStartedAfterItAskedAndRoundsShared()
    {
        var sync = new RecordingSync();
        var group = new GroupSync(sync, _dir.Path);
        var asked = new List<(long Asked, long Returned)>();

        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(_ => OnThread(() =>
        {
            start.Wait();
            for (int i = 0; i < FlushesPerWriter; i++)
            {
                long at = sync.Now();
                group.Flush();
                long back = sync.Now();
                lock (asked) asked.Add((at, back));
            }
            return true;
        })).ToArray();
        start.Set();
        await Task.WhenAll(writers).WaitAsync(Deadline);

        Assert.Equal(Writers * FlushesPerWriter, asked.Count);
        Assert.All(asked, a => Assert.Contains(sync.Syncs, s => !s.Failed && s.Started > a.Asked && s.Ended < a.Returned));
        Assert.Equal(sync.Syncs.Count, group.Rounds);
        // Shared: with 16 writers arriving during 2 ms fsyncs, far fewer fsyncs than flushes.
        Assert.True(group.Rounds < asked.Count / 2, $"{group.Rounds} fsyncs for {asked.Count} flushes");
    }

    [Fact]
    public async Task Flush_FsyncFails_EveryWriterOfTheRoundGetsTheErrorAndTheNextRoundSucceeds()
    {
        int failuresLeft = 1;
        var sync = new RecordingSync(_ => Interlocked.Decrement(ref failuresLeft) >= 0 ? new IOException("EIO on the directory", 5) : null);
        var group = new GroupSync(sync, _dir.Path);

        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(_ => OnThread(() =>
        {
            start.Wait();
            try
            {
                group.Flush();
                return (Exception?)null;
            }
            catch (IOException e)
            {
                return e;
            }
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(writers).WaitAsync(Deadline);

        int failed = outcomes.Count(e => e is not null);
        Assert.Single(sync.Syncs, s => s.Failed);
        Assert.True(failed >= 1);
        Assert.All(outcomes.Where(e => e is not null), e => Assert.Equal("EIO on the directory", e!.Message));
        // Whoever did not fail was covered by a later, successful fsync.
        Assert.Equal(Writers - failed, outcomes.Count(e => e is null));
        if (failed < Writers) Assert.Contains(sync.Syncs, s => !s.Failed);
        group.Flush();
    }
}
