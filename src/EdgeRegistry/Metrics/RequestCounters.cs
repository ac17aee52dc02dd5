using System.Collections.Concurrent;

namespace EdgeRegistry.Metrics;

/// <summary>
/// Requests by route, method and status, and response bytes by route. On the hot path a request costs a lookup
/// with a struct key and two interlocked adds: a series is allocated once, the first time it is seen.
/// </summary>
internal sealed class RequestCounters
{
    private static readonly string[] Methods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "other"];

    private readonly ConcurrentDictionary<RequestKey, StrongBox> _requests = new();
    private readonly long[] _responseBytes = new long[Enum.GetValues<MetricRoute>().Length];

    public void Record(MetricRoute route, string method, int statusCode, long? responseBytes)
    {
        var key = new RequestKey(route, MethodIndex(method), statusCode);
        var counter = _requests.GetOrAdd(key, static _ => new StrongBox());
        Interlocked.Increment(ref counter.Value);
        if (responseBytes is long bytes and > 0) Interlocked.Add(ref _responseBytes[(int)route], bytes);
    }

    /// <summary>Every series seen so far, in a stable order (route, method, code) so scrapes diff cleanly.</summary>
    public IEnumerable<(string Route, string Method, int Code, long Count)> Requests() =>
        _requests.OrderBy(p => p.Key.Route).ThenBy(p => p.Key.Method).ThenBy(p => p.Key.Code)
            .Select(p => (RouteClassifier.Label(p.Key.Route), Methods[p.Key.Method], p.Key.Code, Volatile.Read(ref p.Value.Value)));

    /// <summary>Bytes per route, every route listed (zero included) so a rate never starts from a missing series.</summary>
    public IEnumerable<(string Route, long Bytes)> ResponseBytes() =>
        Enum.GetValues<MetricRoute>().Select(r => (RouteClassifier.Label(r), Volatile.Read(ref _responseBytes[(int)r])));

    private static int MethodIndex(string method) => method switch
    {
        "GET" => 0,
        "HEAD" => 1,
        "PUT" => 2,
        "POST" => 3,
        "PATCH" => 4,
        "DELETE" => 5,
        "OPTIONS" => 6,
        _ => 7,
    };

    private readonly record struct RequestKey(MetricRoute Route, int Method, int Code);

    /// <summary>A counter cell that interlocked operations can take by reference.</summary>
    private sealed class StrongBox
    {
        public long Value;
    }
}
