namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Counts client pulls that are being served through a peer right now. Background replication yields while
/// any are under way: a pod waiting for its image matters more than a replica catching up.
/// </summary>
internal sealed class ClientActivity
{
    private int _active;

    internal bool Busy => Volatile.Read(ref _active) > 0;

    internal IDisposable Enter()
    {
        Interlocked.Increment(ref _active);
        return new Exit(this);
    }

    private sealed class Exit(ClientActivity owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref owner._active);
        }
    }
}
