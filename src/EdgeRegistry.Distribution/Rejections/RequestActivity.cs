namespace EdgeRegistry.Distribution.Rejections;

/// <summary>
/// Per connection: how many requests the application is handling right now. Kestrel answers a request it cannot
/// parse itself, never while the application runs one on that connection (HTTP/1.1 handles one at a time), so
/// output written while this is idle is Kestrel's, never an application body.
/// </summary>
internal sealed class RequestActivity
{
    private int _active;

    public bool IsIdle => Volatile.Read(ref _active) == 0;

    public void Enter() => Interlocked.Increment(ref _active);

    public void Exit() => Interlocked.Decrement(ref _active);
}
