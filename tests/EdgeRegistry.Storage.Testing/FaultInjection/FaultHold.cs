namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// A slow disk on one path: the first open of a matching file waits until the test releases it, so a test can act
/// while the store's reader is stopped at a known point (e.g. a walk half-way through the store). Bounded: a hold never
/// outlasts <see cref="MaxHold"/>, so a test that forgets to release it fails slowly rather than hanging.
/// </summary>
public sealed class FaultHold
{
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(60);

    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new();
    private readonly Func<string, bool> _path;
    private int _claimed;

    internal FaultHold(Func<string, bool> path) => _path = path;

    /// <summary>Completes when an open of a matching path is first held.</summary>
    public Task Reached => _reached.Task;

    public bool IsReleased => _released.IsSet;

    /// <summary>The path whose open is (or was) held; null before <see cref="Reached"/>.</summary>
    public string? HeldPath { get; private set; }

    /// <summary>Lets the held open go on (later opens of the path are never held).</summary>
    public void Release() => _released.Set();

    internal void WaitIfMatching(string path)
    {
        if (_released.IsSet || !_path(path) || Interlocked.Exchange(ref _claimed, 1) == 1) return;
        HeldPath = path;
        _reached.TrySetResult();
        _released.Wait(MaxHold);
    }
}
