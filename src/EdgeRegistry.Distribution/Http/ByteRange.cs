using System.Globalization;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// A resolved single byte range of a blob (RFC 9110 §14). Parse results:
/// <list type="bullet">
/// <item>no header, a unit other than bytes, or several ranges: serve the whole blob (200). Ignoring Range is
/// always allowed by RFC 9110, and clients that pull layers never ask for multipart answers;</item>
/// <item>a satisfiable range (the end clamped to the blob): 206 with Content-Range;</item>
/// <item>a start past the end, an end before the start, or an empty suffix: 416 with Content-Range "bytes */len".</item>
/// </list>
/// </summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public enum Outcome { Whole, Partial, Unsatisfiable }

    public static Outcome Parse(string? header, long blobLength, out ByteRange range)
    {
        range = new ByteRange(0, blobLength);
        if (string.IsNullOrWhiteSpace(header)) return Outcome.Whole;
        var text = header.AsSpan().Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return Outcome.Whole;
        text = text[6..].Trim();
        if (text.Contains(',')) return Outcome.Whole;
        int dash = text.IndexOf('-');
        if (dash < 0) return Outcome.Whole;
        var first = text[..dash].Trim();
        var last = text[(dash + 1)..].Trim();

        if (first.IsEmpty)
        {
            // Suffix range "-N": the last N bytes.
            if (!HeaderNumbers.TryParsePosition(last, out long suffix)) return Outcome.Whole;
            if (suffix == 0 || blobLength == 0) return Outcome.Unsatisfiable;
            long take = Math.Min(suffix, blobLength);
            range = new ByteRange(blobLength - take, take);
            return Outcome.Partial;
        }
        if (!HeaderNumbers.TryParsePosition(first, out long start)) return Outcome.Whole;
        long end;
        if (last.IsEmpty) end = blobLength - 1;
        else if (!HeaderNumbers.TryParsePosition(last, out end)) return Outcome.Whole;
        if (end < start || start >= blobLength) return Outcome.Unsatisfiable;
        end = Math.Min(end, blobLength - 1);
        range = new ByteRange(start, end - start + 1);
        return Outcome.Partial;
    }

    public string ContentRange(long blobLength) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {Start}-{Start + Length - 1}/{blobLength}");

    public static string UnsatisfiedContentRange(long blobLength) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes */{blobLength}");
}
