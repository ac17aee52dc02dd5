using System.Diagnostics;

namespace EdgeRegistry.Logging;

/// <summary>
/// One Information line per request, written when the response is done: client address, method, path, status,
/// response bytes and duration, so an operator sees who pulls what without debug logging (which would also turn
/// on Kestrel's own chatter). The path is the raw request target as the client sent it, query included, so a
/// refused odd request reads as it arrived. Off with <c>accessLog: false</c>. Costs one timestamp and, when
/// enabled, one source-generated log call per request; bodies are never touched.
/// </summary>
internal static partial class AccessLog
{
    public const string Category = "EdgeRegistry.Access";

    /// <summary>The outermost middleware, so the duration covers every other one and errors are logged too.</summary>
    public static void UseAccessLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        if (!logger.IsEnabled(LogLevel.Information)) return;
        app.Use(next => async context =>
        {
            var started = Stopwatch.GetTimestamp();
            var failed = true;
            try
            {
                await next(context).ConfigureAwait(false);
                failed = false;
            }
            finally
            {
                Write(logger, context, started, failed);
            }
        });
    }

    private static void Write(ILogger logger, HttpContext context, long started, bool failed)
    {
        var request = context.Request;
        var response = context.Response;
        // An exception becomes a 500 (or a cut connection once the response started) after this middleware.
        var status = failed && !response.HasStarted ? StatusCodes.Status500InternalServerError : response.StatusCode;
        long bytes = HttpMethods.IsHead(request.Method) ? 0 : response.ContentLength ?? 0;
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        // The peers' own traffic (feed polls every second, users every 2 s, per peer) would bury who pulls what: it is
        // written at debug while it succeeds; a refused or failed peer request stays at information.
        if (WrittenAtDebug(request.Path, status))
            PeerRequest(logger, client, request.Method, target, status, bytes, Math.Round(milliseconds, 1));
        else
            Request(logger, client, request.Method, target, status, bytes, Math.Round(milliseconds, 1));
    }

    /// <summary>
    /// True for a members' request that succeeded (the peer protocol, and the questions to a digest's uplink owner: one
    /// per blob per asking node on a cold pull): written at debug, not information, so client pulls stand out.
    /// </summary>
    internal static bool WrittenAtDebug(PathString path, int status) =>
        status < 400 && (path.StartsWithSegments(PeerPaths, StringComparison.Ordinal) || path.StartsWithSegments(UplinkPaths, StringComparison.Ordinal));

    /// <summary>Where the peer protocol lives (see the Replication project's peer endpoints).</summary>
    private static readonly PathString PeerPaths = new("/_edgereg/peer");

    /// <summary>Where the members ask a digest's uplink owner (see the Upstream project's uplink endpoints).</summary>
    private static readonly PathString UplinkPaths = new("/_edgereg/uplink");

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "{Client} {Method} {Path} {Status} {Bytes} bytes {DurationMs} ms")]
    private static partial void Request(ILogger logger, string client, string method, string path, int status, long bytes, double durationMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug,
        Message = "{Client} {Method} {Path} {Status} {Bytes} bytes {DurationMs} ms")]
    private static partial void PeerRequest(ILogger logger, string client, string method, string path, int status, long bytes, double durationMs);
}
