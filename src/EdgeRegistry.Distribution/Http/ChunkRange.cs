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
        if (!HeaderNumbers.TryParsePosition(text[..dash], out long start) || !HeaderNumbers.TryParsePosition(text[(dash + 1)..], out long end)) return false;
        if (end < start) return false;
        range = new ChunkRange(start, end);
        return true;
    }
}
