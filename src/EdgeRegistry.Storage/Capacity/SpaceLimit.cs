using System.Globalization;

namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// `--min-free`: a number of bytes, or a share of the store's file system (so one setting fits nodes with
/// different disks). Exactly one of the two is set.
/// </summary>
public readonly record struct SpaceLimit
{
    private SpaceLimit(long? bytes, double? percent)
    {
        Bytes = bytes;
        Percent = percent;
    }

    public long? Bytes { get; }

    public double? Percent { get; }

    public static SpaceLimit OfBytes(long bytes) => new(bytes, null);

    public static SpaceLimit OfPercent(double percent) => new(null, percent);

    /// <summary>The limit in bytes on a file system of <paramref name="totalBytes"/>.</summary>
    public long Resolve(long totalBytes) => Bytes ?? (long)Math.Ceiling(totalBytes * Percent!.Value / 100.0);

    /// <summary><c>15%</c>, <c>0%</c>, <c>2G</c>, <c>2GiB</c>, <c>2147483648</c>; a percentage from 0 to 99.</summary>
    public static bool TryParse(string text, out SpaceLimit limit)
    {
        limit = default;
        var trimmed = text.Trim();
        if (trimmed.EndsWith('%'))
        {
            if (!double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent)
                || percent < 0 || percent >= 100) return false;
            limit = OfPercent(percent);
            return true;
        }
        if (!ByteSizes.TryParse(trimmed, out long bytes)) return false;
        limit = OfBytes(bytes);
        return true;
    }

    public override string ToString() => Percent is { } percent
        ? string.Create(CultureInfo.InvariantCulture, $"{percent:0.##}%")
        : ByteSizes.Format(Bytes ?? 0);
}
