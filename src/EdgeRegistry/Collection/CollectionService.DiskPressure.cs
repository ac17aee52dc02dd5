using EdgeRegistry.Storage.Capacity;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Collection;

/// <summary>
/// Near or at the disk guard's limit, the collection runs early instead of at its next scheduled time: what it frees
/// is what lets pushes and copies go on. The guard repeats its pressure every minute while it lasts; a collection
/// walks the whole store, so early runs are spaced by <see cref="PressureRunSpacing"/>.
/// </summary>
internal sealed partial class CollectionService : IDiskPressureListener
{
    public static readonly TimeSpan PressureRunSpacing = TimeSpan.FromMinutes(15);

    private DateTimeOffset _lastPressureRun = DateTimeOffset.MinValue;

    public void OnDiskPressure(DiskPressure pressure)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now - _lastPressureRun < PressureRunSpacing) return;
            _lastPressureRun = now;
        }
        LogPressureRun(_logger, pressure.Reason);
        RequestRun($"the disk guard: {pressure.Reason}");
    }

    [LoggerMessage(EventId = 63, Level = LogLevel.Warning, Message = "Collecting garbage early: {Reason}")]
    private static partial void LogPressureRun(ILogger logger, string reason);
}
