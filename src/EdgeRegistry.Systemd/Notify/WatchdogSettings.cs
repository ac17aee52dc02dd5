using System.Globalization;

namespace EdgeRegistry.Systemd.Notify;

/// <summary>
/// The service watchdog as systemd describes it to us: <c>WATCHDOG_USEC</c> (the timeout) and, optionally,
/// <c>WATCHDOG_PID</c> (the process it is meant for — a child we spawned must not answer for us).
/// We ping at half the timeout, as sd_watchdog_enabled(3) recommends.
/// </summary>
public sealed record WatchdogSettings(TimeSpan Timeout)
{
    public TimeSpan PingInterval => Timeout / 2;

    /// <summary>The watchdog settings meant for this process, or null when the watchdog is off or meant for another process.</summary>
    public static WatchdogSettings? FromEnvironment() => Parse(
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
        Environment.GetEnvironmentVariable("WATCHDOG_PID"),
        Environment.ProcessId);

    public static WatchdogSettings? Parse(string? usec, string? pid, int currentPid)
    {
        if (string.IsNullOrEmpty(usec)) return null;
        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out ulong microseconds) || microseconds == 0) return null;
        if (!string.IsNullOrEmpty(pid)
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int target) || target != currentPid))
        {
            return null;
        }
        return new WatchdogSettings(TimeSpan.FromTicks((long)Math.Min(microseconds * 10, (ulong)TimeSpan.MaxValue.Ticks)));
    }
}
