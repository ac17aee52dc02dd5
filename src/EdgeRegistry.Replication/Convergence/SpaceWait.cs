using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Background copies wait here while the disk guard would refuse them, instead of failing and being retried blindly:
/// a copy is no client's request, so it can wait for garbage collection or an operator to make room. Checked every
/// <see cref="PollInterval"/>; the log says so once when copies start waiting, at most every
/// <see cref="LogInterval"/> while they still do, and once when they go on. <see cref="ReplicationCounters"/> carries
/// the count and the reason to `edgereg status` and `/metrics`.
/// </summary>
internal sealed partial class SpaceWait(IRegistryStore store, ReplicationCounters counters, TimeProvider time, ILogger<SpaceWait> logger)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private DateTimeOffset _loggedAt = DateTimeOffset.MinValue;

    /// <summary>Returns once a copy of <paramref name="bytes"/> fits within the guard's limits (or on cancellation, throwing).</summary>
    public async Task WaitForRoomAsync(Digest digest, long bytes, CancellationToken cancellationToken)
    {
        string what = $"the copy of blob {digest}";
        if (store.Guard.Check(bytes, what) is not { } refusal) return;
        counters.CopyWaiting(refusal.Message);
        try
        {
            while (refusal is not null)
            {
                LogIfDue(refusal.Message);
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
                refusal = store.Guard.Check(bytes, what);
                if (refusal is not null) counters.CopyStillWaiting(refusal.Message);
            }
        }
        finally
        {
            if (counters.CopyDoneWaiting() == 0 && refusal is null) LogResumed(logger);
        }
    }

    private void LogIfDue(string reason)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (now - _loggedAt < LogInterval) return;
            _loggedAt = now;
        }
        LogWaiting(logger, counters.WaitingForSpace, reason);
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "{Count} background copies from peers wait for disk space: {Reason}")]
    private static partial void LogWaiting(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "Background copies from peers go on: the disk guard has room again")]
    private static partial void LogResumed(ILogger logger);
}
