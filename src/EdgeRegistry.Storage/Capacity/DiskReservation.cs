namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// Bytes a write in progress has been allowed to add. Held until the write ends (committed or not); meanwhile the guard
/// counts them as used, so concurrent writers cannot together overshoot a limit each of them alone would keep.
/// A write of unknown length grows its reservation as it goes (<see cref="Cover"/>). Not thread-safe: one writer.
/// </summary>
public sealed class DiskReservation : IDisposable
{
    /// <summary>A body of unknown length reserves this much more each time it outgrows what it holds: few checks, little slack.</summary>
    public const long GrowthStep = 8 << 20;

    private readonly DiskGuard? _guard;
    private readonly string _what;
    private bool _released;

    internal DiskReservation(DiskGuard? guard, long bytes, string what)
    {
        _guard = guard;
        Bytes = bytes;
        _what = what;
    }

    /// <summary>A reservation that holds nothing (no guard to ask).</summary>
    public static DiskReservation None { get; } = new(null, 0, "");

    public long Bytes { get; private set; }

    /// <summary>
    /// Makes sure <paramref name="totalBytes"/> are reserved, growing by at least <see cref="GrowthStep"/> when they
    /// are not; throws the guard's <see cref="StoreException"/> (<see cref="StoreError.SpaceLimit"/>) when it refuses.
    /// </summary>
    public void Cover(long totalBytes)
    {
        if (_guard is null || totalBytes <= Bytes) return;
        long needed = totalBytes - Bytes;
        long step = Math.Max(needed, GrowthStep);
        // Near a limit a whole step may not fit while the body's actual bytes do: then it goes on byte-exact.
        if (step > needed && _guard.TryGrow(step, _what, countRefusal: false) is null)
        {
            Bytes += step;
            return;
        }
        if (_guard.TryGrow(needed, _what) is { } refusal) throw refusal.ToException();
        Bytes += needed;
    }

    /// <summary>Ends the write: its bytes count as written until the guard next reads the file system.</summary>
    public void Dispose()
    {
        if (_released || _guard is null) return;
        _released = true;
        _guard.Release(Bytes);
    }
}
