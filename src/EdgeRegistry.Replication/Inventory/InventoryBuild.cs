namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// Where this node's inventory build stands. The build walks the whole store in the background while the node already
/// serves its own store to clients (a cold-started node must answer CRI-O's pulls from localhost at once, and a walk of
/// 300 k objects takes seconds to minutes). Everything that would conclude something from the inventory — the peer API's
/// summary and feed, the sync loops, the garbage collector's cluster roots, the scrub — waits for <see cref="Completion"/>.
/// Public for the host's status, metrics and the services outside replication that must wait for it. Thread-safe.
/// </summary>
public sealed class InventoryBuild
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _manifestsRead;
    private int _attempts;
    private string? _lastError;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _completedAt;

    public InventoryBuild(TimeProvider time) => _time = time;

    /// <summary>Completes once the inventory holds the whole store and follows its changes; never faults.</summary>
    public Task Completion => _completion.Task;

    public bool IsComplete => _completion.Task.IsCompleted;

    /// <summary>Manifests the current attempt has read so far (the walk goes manifest by manifest).</summary>
    public long ManifestsRead => Interlocked.Read(ref _manifestsRead);

    /// <summary>Attempts started; more than one means an earlier walk failed (a store read error) and was retried.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Why the last attempt failed, while the next one is awaited or under way; null once complete.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public DateTimeOffset? StartedAt
    {
        get { lock (_lock) return _startedAt; }
    }

    public DateTimeOffset? CompletedAt
    {
        get { lock (_lock) return _completedAt; }
    }

    /// <summary>How long the build took (first attempt's start to completion), or has taken so far.</summary>
    public TimeSpan Elapsed => StartedAt is { } started ? (CompletedAt ?? _time.GetUtcNow()) - started : TimeSpan.Zero;

    /// <summary>Waits for the build; returns at once when it is complete.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        _completion.Task.IsCompleted ? Task.CompletedTask : _completion.Task.WaitAsync(cancellationToken);

    internal void AttemptStarted()
    {
        Interlocked.Exchange(ref _manifestsRead, 0);
        if (Interlocked.Increment(ref _attempts) > 1) return;
        lock (_lock) _startedAt = _time.GetUtcNow();
    }

    internal void ManifestRead() => Interlocked.Increment(ref _manifestsRead);

    internal void AttemptFailed(string reason) => Volatile.Write(ref _lastError, reason);

    internal void Completed()
    {
        lock (_lock) _completedAt = _time.GetUtcNow();
        Volatile.Write(ref _lastError, null);
        _completion.TrySetResult();
    }
}
