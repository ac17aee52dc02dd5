using System.Globalization;

namespace EdgeRegistry.Status;

/// <summary>Sizes, durations and times the way a person reads them on one status line.</summary>
internal static class Readable
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d{span.Hours}h")
            : span.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
            : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s");
    }

    public static string Ago(DateTimeOffset? at, DateTimeOffset now) => at is { } time ? Duration(now - time) + " ago" : "never";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
