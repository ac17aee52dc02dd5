using System.Globalization;

namespace EdgeRegistry.Storage.Capacity;

/// <summary>Sizes the way a person reads them (binary units), shared by the guard's messages and `edgereg status`.</summary>
public static class ByteSizes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>
    /// A size as an operator writes it: plain bytes, or a number with a binary unit (<c>K</c>/<c>KiB</c>, <c>M</c>/<c>MiB</c>,
    /// <c>G</c>/<c>GiB</c>, <c>T</c>/<c>TiB</c>; case-insensitive). Decimal units are refused rather than guessed: a
    /// "10G" that meant 10⁹ would be a 7% different limit.
    /// </summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && char.IsAsciiDigit(trimmed[split])) split++;
        if (split == 0) return false;
        long shift = trimmed[split..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KIB" => 10,
            "M" or "MIB" => 20,
            "G" or "GIB" => 30,
            "T" or "TIB" => 40,
            _ => -1,
        };
        if (shift < 0 || !long.TryParse(trimmed[..split], NumberStyles.None, CultureInfo.InvariantCulture, out long number)) return false;
        if (number > long.MaxValue >> (int)shift) return false;
        bytes = number << (int)shift;
        return true;
    }
}
