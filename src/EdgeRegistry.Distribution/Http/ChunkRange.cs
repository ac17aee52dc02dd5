using System.Globalization;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// The Content-Range of an upload chunk: "&lt;start&gt;-&lt;end&gt;" inclusive, as the spec and Docker send it.
/// "bytes " / "bytes=" prefixes and a "/total" suffix are tolerated because some clients add them.
/// </summary>
internal readonly record struct ChunkRange(long Start, long End)
{
    public long Length => End - Start + 1;

    public static bool TryParse(string? header, out ChunkRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(header)) return false;
        var text = header.AsSpan().Trim();
        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase)) text = text[5..].TrimStart(" =");
        int slash = text.IndexOf('/');
        if (slash >= 0) text = text[..slash];
        int dash = text.IndexOf('-');
        if (dash <= 0) return false;
        if (!TryParseNumber(text[..dash], out long start) || !TryParseNumber(text[(dash + 1)..], out long end)) return false;
        if (end < start) return false;
        range = new ChunkRange(start, end);
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out long value)
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
