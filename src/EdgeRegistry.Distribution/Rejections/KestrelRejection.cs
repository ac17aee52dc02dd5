using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Json;

namespace EdgeRegistry.Distribution.Rejections;

/// <summary>
/// Recognises the response Kestrel writes when it rejects a request before the application sees it (a NUL or
/// other control byte in the request line, a malformed header, headers or target too long) and gives it the
/// spec's error body. Kestrel's rejection is exactly a status line and <c>Content-Length: 0</c>,
/// <c>Connection: close</c> and <c>Date</c> (no Server header: edgereg turns it off); anything else is left alone.
/// </summary>
internal static class KestrelRejection
{
    /// <summary>Longer than any rejection head Kestrel writes (status line ≤ ~60 bytes plus three short headers).</summary>
    public const int MaxHeadLength = 256;

    private static ReadOnlySpan<byte> StatusPrefix => "HTTP/1.1 4"u8;
    private static ReadOnlySpan<byte> EndOfLine => "\r\n"u8;

    /// <summary>The rewritten response (head with Content-Type and length, then the JSON body); false when <paramref name="head"/> is not a rejection.</summary>
    public static bool TryRewrite(ReadOnlySpan<byte> head, out byte[] response)
    {
        response = [];
        if (head.Length > MaxHeadLength || !head.StartsWith(StatusPrefix) || !head.EndsWith("\r\n\r\n"u8)) return false;
        int statusEnd = head.IndexOf(EndOfLine);
        var statusLine = head[..statusEnd];
        if (statusLine.Length < 13 || statusLine[12] != (byte)' ' || !IsDigit(statusLine[10]) || !IsDigit(statusLine[11])) return false;
        int status = 400 + (statusLine[10] - '0') * 10 + (statusLine[11] - '0');

        bool sawLength = false, sawClose = false;
        string? date = null;
        var rest = head[(statusEnd + 2)..^2];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf(EndOfLine);
            if (end < 0) return false;
            var line = rest[..end];
            rest = rest[(end + 2)..];
            if (line.SequenceEqual("Content-Length: 0"u8)) sawLength = true;
            else if (line.SequenceEqual("Connection: close"u8)) sawClose = true;
            else if (line.StartsWith("Date: "u8) && date is null && IsPrintable(line[6..])) date = Encoding.ASCII.GetString(line[6..]);
            else return false;
        }
        if (!sawLength || !sawClose) return false;

        var error = Describe(status);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new ErrorBody([new ErrorEntry(error.Code, error.Message, null)]),
            DistributionJsonContext.Default.ErrorBody);
        var text = new StringBuilder(MaxHeadLength + body.Length);
        text.Append(Encoding.ASCII.GetString(statusLine)).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Connection: close\r\n");
        if (date is not null) text.Append("Date: ").Append(date).Append("\r\n");
        text.Append("Docker-Distribution-API-Version: registry/2.0\r\n\r\n");
        response = [.. Encoding.ASCII.GetBytes(text.ToString()), .. body];
        return true;
    }

    private static (string Code, string Message) Describe(int status) => status switch
    {
        413 => (OciErrorCodes.SizeInvalid, "the request body is too large"),
        414 => (OciErrorCodes.NameInvalid, "the request target is too long"),
        431 => (OciErrorCodes.Unsupported, "the request headers are too large"),
        408 => (OciErrorCodes.Unsupported, "the request headers did not arrive in time"),
        _ => (OciErrorCodes.Unsupported, "malformed HTTP request: the request line or a header is invalid (a control character such as NUL, a bad method, target or version)"),
    };

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsPrintable(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (b is < 0x20 or > 0x7e) return false;
        }
        return true;
    }
}
