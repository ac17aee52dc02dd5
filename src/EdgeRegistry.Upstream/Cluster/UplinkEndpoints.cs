using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Upstream.Content;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// The members' questions to the owner of a digest's uplink fetch, under <c>/_edgereg/uplink/v1/</c>:
/// <c>HEAD &lt;repository&gt;/blobs/&lt;digest&gt;</c> answers whether the upstream holds the blob (200 with its length,
/// 404) from this node's store, its memory of earlier answers, or one HEAD over the uplink; 503 when the upstream
/// could not be asked. Only cluster members may ask (401 otherwise, logged), and the answer never forwards to another
/// member, so two nodes with different views of who owns a digest cannot ask each other in a loop.
/// </summary>
internal sealed partial class UplinkEndpoints(UpstreamContent content, IUplinkPeers peers, ILogger<UplinkEndpoints> logger)
{
    public const string Prefix = "/_edgereg/uplink/v1/";

    /// <summary>On every answer of this endpoint, so an asker can tell it from a 404 of a member that lacks it.</summary>
    public const string AnswerHeader = "Edgereg-Uplink";

    private const string BlobsSegment = "/blobs/";

    /// <summary>The path of the blob question, relative to a member's base address.</summary>
    public static string BlobPath(string repository, Digest digest) => $"{Prefix[1..]}{repository}{BlobsSegment}{digest}";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var response = context.Response;
        response.Headers[AnswerHeader] = "1";
        var (member, problem) = peers.Verify(context.Request);
        if (member is null)
        {
            LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", path, problem!);
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        string rest = path[Prefix.Length..];
        int blobs = rest.LastIndexOf(BlobsSegment, StringComparison.Ordinal);
        if (blobs <= 0 || !RepositoryName.TryParse(rest[..blobs], out var repository) || !Digest.TryParse(rest[(blobs + BlobsSegment.Length)..], out var digest))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var answer = await content.AnswerMemberHeadAsync(repository, digest, context.RequestAborted).ConfigureAwait(false);
        response.StatusCode = answer.Length is not null ? StatusCodes.Status200OK
            : answer.UpstreamAnswered ? StatusCodes.Status404NotFound
            : StatusCodes.Status503ServiceUnavailable;
        if (answer.Length is long length) response.ContentLength = length;
    }

    [LoggerMessage(EventId = 5050, Level = LogLevel.Warning, Message = "Refused uplink question from {Client} for {Path}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string client, string path, string problem);
}
