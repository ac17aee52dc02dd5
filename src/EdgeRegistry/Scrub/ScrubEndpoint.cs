using System.Text.Json;

namespace EdgeRegistry.Scrub;

/// <summary>
/// <c>/_edgereg/scrub</c> on the status socket (root only, never the network): <c>GET</c> answers the scrub's report,
/// <c>POST</c> starts a pass now (or continues the one a restart interrupted) and answers the report. The status
/// endpoint dispatches here.
/// </summary>
internal static class ScrubEndpoint
{
    public const string Path = "/_edgereg/scrub";

    public static async Task HandleAsync(HttpContext context)
    {
        bool post = HttpMethods.IsPost(context.Request.Method);
        if (!post && !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return;
        }
        var scrub = context.RequestServices.GetRequiredService<ScrubService>();
        if (post) scrub.RequestPass();
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(context.Response.Body, scrub.Report(), ScrubJsonContext.Default.ScrubReport, context.RequestAborted);
    }
}
