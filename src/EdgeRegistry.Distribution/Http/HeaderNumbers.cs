using System.Globalization;

namespace EdgeRegistry.Distribution.Http;

/// <summary>Strict parsing of the byte positions in Range and Content-Range headers.</summary>
internal static class HeaderNumbers
{
    /// <summary>
    /// Digits only (no sign, no spaces, no exponent) and at most 18 of them, so the value always fits a long
    /// and a hostile header can never overflow an offset computed from it.
    /// </summary>
    public static bool TryParsePosition(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 18) return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
