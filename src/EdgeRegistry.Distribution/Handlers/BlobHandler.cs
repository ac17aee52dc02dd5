using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Logging;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary><c>GET</c>/<c>HEAD</c>/<c>DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
internal sealed class BlobHandler(IRegistryStore store, IRemoteContent? remote, ILogger logger)
{
    private static readonly ApiError RangeNotSatisfiable =
        new(StatusCodes.Status416RangeNotSatisfiable, OciErrorCodes.SizeInvalid, "the requested range is not satisfiable");

    public Task HeadAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var digest))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
        var info = store.StatBlob(request.Repository, digest);
        if (info is not { } blob) return ServeMissingAsync(request, digest);
        var response = request.Response;
        response.StatusCode = StatusCodes.Status200OK;
        SetBlobHeaders(response, request.Reference);
        response.ContentLength = blob.Length;
        return Task.CompletedTask;
    }

    public async Task GetAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var digest))
        {
            await ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
            return;
        }
        using var reader = store.OpenBlob(request.Repository, digest);
        if (reader is null)
        {
            await ServeMissingAsync(request, digest);
            return;
        }
        var response = request.Response;
        long length = reader.Length;
        var outcome = ByteRange.Parse(request.Request.Headers.Range, length, out var range);
        if (outcome == ByteRange.Outcome.Unsatisfiable)
        {
            response.Headers.ContentRange = ByteRange.UnsatisfiedContentRange(length);
            await ErrorWriter.WriteAsync(request.Context, RangeNotSatisfiable with { Detail = request.Request.Headers.Range.ToString() });
            return;
        }
        SetBlobHeaders(response, request.Reference);
        if (outcome == ByteRange.Outcome.Partial)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = range.ContentRange(length);
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
        }
        response.ContentLength = range.Length;
        await BlobBodyWriter.WriteAsync(request.Context, reader, range.Start, range.Length);
    }

    public Task DeleteAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var digest))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
        if (!store.DeleteBlob(request.Repository, digest))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.BlobUnknown(request.Reference));
        DistributionLog.BlobDeleted(logger, request.Repository.Value, request.Reference);
        request.Response.StatusCode = StatusCodes.Status202Accepted;
        request.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>A blob the store lacks: the remote source (peers) may serve it; otherwise 404 so the client moves on.</summary>
    private async Task ServeMissingAsync(RegistryRequest request, Digest digest)
    {
        if (remote is not null && !remote.IsLocalOnly(request.Context)
            && await remote.TryServeBlobAsync(request.Context, request.Repository, digest))
        {
            return;
        }
        await ErrorWriter.WriteAsync(request.Context, ApiErrors.BlobUnknown(request.Reference));
    }

    private static void SetBlobHeaders(HttpResponse response, string digest)
    {
        var headers = response.Headers;
        headers.ContentType = RegistryHeaders.OctetStream;
        headers[RegistryHeaders.ContentDigest] = digest;
        headers.AcceptRanges = RegistryHeaders.BytesUnit;
        // Content is addressed by digest and never changes: let caches keep it.
        headers.ETag = "\"" + digest + "\"";
        headers.CacheControl = "max-age=31536000";
    }
}
