using System.Globalization;

namespace EdgeRegistry.Status;

/// <summary>Sizes, durations and times the way a person reads them on one status line.</summary>
internal static class Readable
{
    public static string Bytes(long bytes) => Storage.Capacity.ByteSizes.Format(bytes);

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
