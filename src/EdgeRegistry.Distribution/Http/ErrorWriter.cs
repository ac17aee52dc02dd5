using System.Text.Json;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Json;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Http;

/// <summary>Writes an <see cref="ApiError"/> as the spec's JSON error body (headers only for HEAD).</summary>
internal static class ErrorWriter
{
    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        if (error.Status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = RegistryHeaders.BasicChallenge;
        var body = new ErrorBody([new ErrorEntry(error.Code, error.Message, error.Detail)]);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(body, DistributionJsonContext.Default.ErrorBody);
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        return response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }
}
