using System.Text;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Peers;

/// <summary>The request line and headers of one HTTP/1.1 request without a body (the peer API has only GET and HEAD).</summary>
internal sealed class HttpRequestHead
{
    /// <summary>Requests edgereg sends are a few hundred bytes; anything this long is not one.</summary>
    private const int MaxBytes = 16 * 1024;

    private readonly Dictionary<string, string> _headers;

    private HttpRequestHead(string method, string target, Dictionary<string, string> headers)
    {
        Method = method;
        Target = target;
        _headers = headers;
    }

    public string Method { get; }

    /// <summary>The raw request target: path and query, as signed.</summary>
    public string Target { get; }

    public string? Header(string name) => _headers.GetValueOrDefault(name);

    public string? Query(string name)
    {
        var query = Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals] == name)
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }

    /// <summary>The next request's head; null when the client closed the connection between requests.</summary>
    public static async Task<HttpRequestHead?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(512);
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            bytes.Add(one[0]);
            if (bytes.Count > MaxBytes)
            {
                throw new IOException("request head over 16 KiB");
            }
        }

        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new IOException($"not a request line: {lines[0]}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new HttpRequestHead(requestLine[0], requestLine[1], headers);
    }
}
