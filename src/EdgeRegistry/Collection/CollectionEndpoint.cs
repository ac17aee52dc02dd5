using System.Text.Json;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Collection;

namespace EdgeRegistry.Collection;

/// <summary>
/// <c>POST /_edgereg/gc[?dryRun=true]</c> on the status socket (root only, never the network): runs a collection
/// now and answers its report. The status endpoint dispatches here; the request waits for the collection.
/// </summary>
internal static class CollectionEndpoint
{
    public const string Path = "/_edgereg/gc";

    public static async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }
        bool dryRun = context.Request.Query["dryRun"] is { Count: > 0 } values && values[0] is "true" or "1";
        var collection = context.RequestServices.GetRequiredService<IGarbageCollection>();
        CollectionReport report;
        try
        {
            report = await collection.RunAsync(dryRun ? "edgereg gc --dry-run" : "edgereg gc", dryRun, context.RequestAborted);
        }
        catch (StoreException e)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
            return;
        }
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, report, CollectionJsonContext.Default.CollectionReport, context.RequestAborted);
    }
}
