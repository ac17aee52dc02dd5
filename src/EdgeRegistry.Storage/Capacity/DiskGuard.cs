namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// Keeps the store's writes within `--min-free` (free space left on its file system) and `--max-store-bytes` (the
/// store's own size). Every write that adds bytes asks first, for the bytes it is about to add (a Content-Length, a
/// peer's announced size), and holds a <see cref="DiskReservation"/> while it writes; refusals name the limit and the
/// numbers. Reads never ask: serving is never refused because of the guard.
/// <para>
/// statvfs is read at most once per <see cref="DiskGuardOptions.SpaceFreshness"/>. Between two reads the guard
/// subtracts what it let through itself: the bytes reserved now, and those of writes that ended since the last read
/// (a monotonic written counter, compared with its value when the space was read). Overlap errs on the safe side: a
/// write that ends while statvfs runs may be counted twice for a second, never zero times. The store's size comes the
/// same way from a census (<see cref="ReportStoreBytes"/>) plus what was written since that census began.
/// </para>
/// </summary>
public sealed class DiskGuard
{
    /// <summary>"Near" a limit: less headroom than this share of the file system (or of `--max-store-bytes`).</summary>
    public const double NearShare = 0.05;

    /// <summary>How often listeners hear again about pressure that has not gone away.</summary>
    public static readonly TimeSpan PressureRepeat = TimeSpan.FromMinutes(1);

    private readonly DiskGuardOptions _options;
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly Func<string, FileSystemSpace?> _readSpace;
    private readonly Lock _lock = new();
    private readonly List<IDiskPressureListener> _listeners = [];

    private long _reserved;
    private long _written;
    private FileSystemSpace? _space;
    private long _spaceWrittenMark;
    private DateTimeOffset _spaceReadAt = DateTimeOffset.MinValue;
    private long? _storeBytes;
    private long _storeWrittenMark;
    private long _refusals;
    private GuardRefusal? _lastRefusal;
    private DateTimeOffset? _lastRefusalAt;
    private DiskGuardState _lastState = DiskGuardState.Ok;
    private DateTimeOffset _lastPressureAt = DateTimeOffset.MinValue;

    public DiskGuard(DiskGuardOptions options, string root, TimeProvider? time = null, Func<string, FileSystemSpace?>? readSpace = null)
    {
        _options = options;
        _root = root;
        _time = time ?? TimeProvider.System;
        _readSpace = readSpace ?? FileSystemSpace.Read;
    }

    public DiskGuardOptions Options => _options;

    /// <summary>Writes refused since start.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Monotonic count of bytes of ended writes; a census takes it before it starts (see <see cref="ReportStoreBytes"/>).</summary>
    public long WrittenMark => Interlocked.Read(ref _written);

    public void AddListener(IDiskPressureListener listener)
    {
        lock (_lock) _listeners.Add(listener);
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a write about to add them, or throws the refusal as a
    /// <see cref="StoreException"/> with <see cref="StoreError.SpaceLimit"/> (nothing is reserved then).
    /// </summary>
    public DiskReservation Reserve(long bytes, string what)
    {
        if (TryReserve(bytes, what, out var reservation) is { } refusal) throw refusal.ToException();
        return reservation;
    }

    /// <summary>Null and a reservation when the write fits; the refusal otherwise.</summary>
    public GuardRefusal? TryReserve(long bytes, string what, out DiskReservation reservation)
    {
        reservation = DiskReservation.None;
        if (TryGrow(bytes, what) is { } refusal) return refusal;
        reservation = new DiskReservation(this, bytes, what);
        return null;
    }

    /// <summary>
    /// Counts a write the guard does not refuse (small metadata that must converge), so the writers it does refuse
    /// still see its bytes.
    /// </summary>
    public DiskReservation Counted(long bytes)
    {
        lock (_lock) _reserved += Math.Max(bytes, 0);
        return new DiskReservation(this, Math.Max(bytes, 0), "");
    }

    /// <summary>
    /// Whether a write of <paramref name="bytes"/> would fit now, reserving nothing: for a copy that waits until it
    /// does (it reserves when it starts writing, and may still be refused if another writer came first).
    /// </summary>
    public GuardRefusal? Check(long bytes, string what)
    {
        GuardRefusal? refusal;
        lock (_lock) refusal = Evaluate(Math.Max(bytes, 0), what);
        return refusal;
    }

    /// <param name="countRefusal">False for a try that has a smaller fallback: only the write's final refusal counts.</param>
    internal GuardRefusal? TryGrow(long bytes, string what, bool countRefusal = true)
    {
        bytes = Math.Max(bytes, 0);
        GuardRefusal? refusal;
        lock (_lock)
        {
            refusal = Evaluate(bytes, what);
            if (refusal is null)
            {
                _reserved += bytes;
            }
            else if (countRefusal)
            {
                _refusals++;
                _lastRefusal = refusal;
                _lastRefusalAt = _time.GetUtcNow();
            }
        }
        NotifyIfPressed();
        return refusal;
    }

    internal void Release(long bytes)
    {
        lock (_lock)
        {
            _reserved -= bytes;
            _written += bytes;
        }
    }

    /// <summary>
    /// A census measured the store's blobs at <paramref name="bytes"/>; <paramref name="writtenMarkAtStart"/> is
    /// <see cref="WrittenMark"/> from before it began, so writes during the walk are counted (perhaps twice), never lost.
    /// </summary>
    public void ReportStoreBytes(long bytes, long writtenMarkAtStart)
    {
        lock (_lock)
        {
            _storeBytes = bytes;
            _storeWrittenMark = writtenMarkAtStart;
        }
    }

    /// <summary>The guard's view now (reads the file system if its last answer is stale), and tells listeners about pressure.</summary>
    public DiskGuardSnapshot Snapshot()
    {
        DiskGuardSnapshot snapshot;
        lock (_lock)
        {
            RefreshSpace();
            var (state, reason, _) = Judge();
            long? free = FreeLocked();
            snapshot = new DiskGuardSnapshot(state, reason, free, _space?.TotalBytes,
                _space is { } space ? _options.MinFree.Resolve(space.TotalBytes) : null, _options.MinFree.ToString(),
                StoreLocked(), _options.MaxStoreBytes, _reserved, _refusals, _lastRefusal?.Message, _lastRefusalAt);
        }
        NotifyIfPressed();
        return snapshot;
    }

    private GuardRefusal? Evaluate(long bytes, string what)
    {
        RefreshSpace();
        long? free = FreeLocked();
        long? store = StoreLocked();
        if (free is long freeNow && _space is { } space)
        {
            long minFree = _options.MinFree.Resolve(space.TotalBytes);
            if (minFree > 0 && freeNow - bytes < minFree)
            {
                return new GuardRefusal("min-free", minFree, bytes, freeNow, store ?? 0, FormattableString.Invariant(
                    $"the registry's disk guard refused {what}: its {ByteSizes.Format(bytes)} would leave {ByteSizes.Format(Math.Max(freeNow - bytes, 0))} free on the store's file system, below the --min-free limit of {_options.MinFree} ({ByteSizes.Format(minFree)} of {ByteSizes.Format(space.TotalBytes)}); nothing was stored and existing content is intact"));
            }
        }
        // Before the first census the store counts as holding only what was written since start: a write that alone
        // exceeds the cap is refused at once, the rest once the census has measured the store (seconds after start).
        long storeNow = store ?? (_written - _storeWrittenMark) + _reserved;
        if (_options.MaxStoreBytes is long max && storeNow + bytes > max)
        {
            return new GuardRefusal("max-store-bytes", max, bytes, free ?? 0, storeNow, FormattableString.Invariant(
                $"the registry's disk guard refused {what}: its {ByteSizes.Format(bytes)} would grow the store to {ByteSizes.Format(storeNow + bytes)}, above the --max-store-bytes limit of {ByteSizes.Format(max)}; nothing was stored and existing content is intact"));
        }
        return null;
    }

    /// <summary>The state, in words, and the headroom to the nearer limit.</summary>
    private (DiskGuardState State, string? Reason, long Headroom) Judge()
    {
        var state = DiskGuardState.Ok;
        string? reason = null;
        long headroom = long.MaxValue;
        if (FreeLocked() is long free && _space is { } space)
        {
            long minFree = _options.MinFree.Resolve(space.TotalBytes);
            long room = free - minFree;
            headroom = room;
            var judged = room <= 0 ? DiskGuardState.Over : room < space.TotalBytes * NearShare ? DiskGuardState.Near : DiskGuardState.Ok;
            if (judged != DiskGuardState.Ok)
            {
                state = judged;
                reason = FormattableString.Invariant(
                    $"{ByteSizes.Format(Math.Max(free, 0))} free of {ByteSizes.Format(space.TotalBytes)}, --min-free {_options.MinFree} ({ByteSizes.Format(minFree)}): {(judged == DiskGuardState.Over ? "at the limit, pushes are refused and copies wait" : FormattableString.Invariant($"{ByteSizes.Format(room)} left before pushes are refused"))}");
            }
        }
        if (_options.MaxStoreBytes is long max && StoreLocked() is long store)
        {
            long room = max - store;
            var judged = room <= 0 ? DiskGuardState.Over : room < max * NearShare ? DiskGuardState.Near : DiskGuardState.Ok;
            if (judged > state || (judged == state && judged != DiskGuardState.Ok && room < headroom))
            {
                state = judged;
                reason = FormattableString.Invariant(
                    $"the store holds {ByteSizes.Format(store)}, --max-store-bytes {ByteSizes.Format(max)}: {(judged == DiskGuardState.Over ? "at the limit, pushes are refused and copies wait" : FormattableString.Invariant($"{ByteSizes.Format(room)} left before pushes are refused"))}");
            }
            headroom = Math.Min(headroom, room);
        }
        return (state, reason, headroom);
    }

    private long? FreeLocked() => _space is { } space ? space.AvailableBytes - (_written - _spaceWrittenMark) - _reserved : null;

    private long? StoreLocked() => _storeBytes is long bytes ? bytes + (_written - _storeWrittenMark) + _reserved : null;

    private void RefreshSpace()
    {
        var now = _time.GetUtcNow();
        if (now - _spaceReadAt < _options.SpaceFreshness) return;
        long mark = _written;
        var space = _readSpace(_root);
        _spaceReadAt = now;
        // A failed statvfs keeps the last answer: the writes themselves report a real full disk.
        if (space is null) return;
        _space = space;
        _spaceWrittenMark = mark;
    }

    /// <summary>Tells listeners when the state got worse, or again after <see cref="PressureRepeat"/> while it stays pressed.</summary>
    private void NotifyIfPressed()
    {
        DiskPressure? pressure = null;
        IDiskPressureListener[] listeners;
        lock (_lock)
        {
            if (_listeners.Count == 0) return;
            var (state, reason, headroom) = Judge();
            var now = _time.GetUtcNow();
            bool worse = state > _lastState;
            _lastState = state;
            if (state == DiskGuardState.Ok || (!worse && now - _lastPressureAt < PressureRepeat)) return;
            _lastPressureAt = now;
            pressure = new DiskPressure(state, headroom, FreeLocked() ?? 0,
                _space is { } space ? _options.MinFree.Resolve(space.TotalBytes) : 0, StoreLocked() ?? 0, _options.MaxStoreBytes, reason ?? "");
            listeners = [.. _listeners];
        }
        foreach (var listener in listeners) listener.OnDiskPressure(pressure);
    }
}
