using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Replication.Inventory;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Replication.Api;

/// <summary>
/// The peer API's answer while this node's inventory is still being built: 503 with Retry-After and an OCI-style error
/// body. A half inventory must not reach a peer — it would read every object the walk has not reached yet as gone —
/// and the peer client already treats any answer but success as "nothing learned, ask again next round".
/// </summary>
internal static class NotReadyAnswer
{
    /// <summary>Seconds a peer is asked to wait: about its own feed interval, so it comes back soon after the build.</summary>
    internal const int RetryAfterSeconds = 5;

    public const string Code = "UNAVAILABLE";

    public static async Task WriteAsync(HttpContext context, InventoryBuild build)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        string message = string.Create(CultureInfo.InvariantCulture,
            $"this node is still building its inventory ({build.ManifestsRead} manifests read in {build.Elapsed.TotalSeconds:0} s); try again later");
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", Code);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
    }
}
