namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Group commit of one directory's fsync. Every writer that renamed into or out of the directory calls
/// <see cref="Flush"/> and returns once an fsync of it that <em>started after the call</em> has succeeded, so its
/// rename is durable exactly as if it had fsynced the directory itself — but writers that arrive while an fsync is
/// running share the next one instead of queueing one each. One fsync then covers a whole batch of concurrent
/// commits (a rehydrating node commits 16 small objects at once), where each used to force its own journal commit.
/// <para>
/// A failed fsync fails every writer of its round (each gets the exception): none of them may acknowledge its write.
/// Writers block (the store's writes are synchronous); the round's leader is the first writer of the round, so no
/// thread waits that is not itself writing.
/// </para>
/// </summary>
internal sealed class GroupSync
{
    private readonly IFileSync _sync;
    private readonly string _directory;
    private readonly object _gate = new();

    /// <summary>The round whose fsync is running; null when none is.</summary>
    private Round? _running;

    /// <summary>The round new writers join: its fsync starts only after the running one ended.</summary>
    private Round _next = new();

    public GroupSync(IFileSync sync, string directory)
    {
        _sync = sync;
        _directory = directory;
    }

    public string Directory => _directory;

    /// <summary>fsyncs issued so far (a writer's rename shares one with the others of its round).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    private long _rounds;

    /// <summary>Returns once every rename this thread made in the directory before the call is durable; throws the fsync's error otherwise.</summary>
    public void Flush()
    {
        Round round;
        lock (_gate)
        {
            round = _next;
            while (!round.Done)
            {
                if (_running is null && ReferenceEquals(round, _next))
                {
                    // Lead: from here on new writers join the round after this one, whose fsync starts after ours.
                    _running = round;
                    _next = new Round();
                    break;
                }
                Monitor.Wait(_gate);
            }
            if (round.Done)
            {
                if (round.Error is { } failed) throw Failure(failed);
                return;
            }
        }
        Exception? error = null;
        try
        {
            Interlocked.Increment(ref _rounds);
            _sync.FlushDirectory(_directory);
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            // Whatever the fsync threw, the round ends: a round left running would block every later writer.
            lock (_gate)
            {
                round.Error = error;
                round.Done = true;
                _running = null;
                Monitor.PulseAll(_gate);
            }
        }
        if (error is not null) throw Failure(error);
    }

    /// <summary>
    /// Each writer of a failed round gets an exception of its own (one instance thrown on many threads would share a
    /// stack trace), of the same kind, so the store maps it as it maps a failed fsync of its own.
    /// </summary>
    private static Exception Failure(Exception e) => e switch
    {
        IOException io => new IOException(io.Message, io.HResult),
        UnauthorizedAccessException denied => new UnauthorizedAccessException(denied.Message, denied),
        _ => new IOException($"fsync of a directory failed: {e.Message}", e),
    };

    private sealed class Round
    {
        public bool Done;
        public Exception? Error;
    }
}
