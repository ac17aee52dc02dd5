using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeRegistry.Distribution.Http;

/// <summary>Request body limits and bounded reads.</summary>
internal static class RequestBody
{
    /// <summary>Blob uploads may be gigabytes: lift Kestrel's 30 MB default for this request only.</summary>
    public static void AllowUnbounded(HttpContext context) => SetLimit(context, null);

    public static void SetLimit(HttpContext context, long? limit)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
    }

    /// <summary>True when the request carries body bytes (a positive Content-Length, or chunked encoding).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Reads the whole body if it fits in <paramref name="limit"/> bytes; null when it is larger.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        PipeReader reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            if (result.IsCompleted)
            {
                byte[] content = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return content;
            }
            // Keep everything buffered until the body ends; the limit above bounds what the pipe holds.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
