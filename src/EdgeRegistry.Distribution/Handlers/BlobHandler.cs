using EdgeRegistry.Content;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Logging;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>
/// <c>GET</c>/<c>HEAD</c>/<c>DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>. A blob the store lacks is looked for in
/// the content sources; whatever answers, this handler writes the response, with the same headers as from disk.
/// </summary>
internal sealed class BlobHandler(IRegistryStore store, ContentSources sources, ILogger logger)
{
    private static readonly ApiError RangeNotSatisfiable =
        new(StatusCodes.Status416RangeNotSatisfiable, OciErrorCodes.SizeInvalid, "the requested range is not satisfiable");

    public Task HeadAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var digest))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
        var info = store.StatBlob(request.Repository, digest);
        if (info is not { } blob) return HeadMissingAsync(request, digest);
        WriteHead(request, blob.Length);
        return Task.CompletedTask;
    }

    public async Task GetAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var digest))
        {
            await ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
            return;
        }
        using (var reader = store.OpenBlob(request.Repository, digest))
        {
            if (reader is not null)
            {
                await WriteFromStoreAsync(request, reader);
                return;
            }
        }
        await GetMissingAsync(request, digest);
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

    private async Task HeadMissingAsync(RegistryRequest request, Digest digest)
    {
        var lookup = await FindAsync(request, digest, BlobWant.Length);
        switch (lookup.Outcome)
        {
            case BlobOutcome.Local when store.StatBlob(request.Repository, digest) is { } blob:
                WriteHead(request, blob.Length);
                return;
            case BlobOutcome.Elsewhere or BlobOutcome.Streaming:
                // A source that streams although only the length was asked: it gets its body back to finish the copy.
                if (lookup.Body is { } body) await body.DisposeAsync();
                WriteHead(request, lookup.Length);
                return;
            default:
                await ErrorWriter.WriteAsync(request.Context, ApiErrors.BlobUnknown(request.Reference));
                return;
        }
    }

    /// <summary>
    /// A GET the store could not answer. A source's stream is sent in this request; a blob a source made local
    /// (a waiter on another client's transfer, a Range, a link from another repository) is served from disk, also
    /// in this request.
    /// </summary>
    private async Task GetMissingAsync(RegistryRequest request, Digest digest)
    {
        var want = string.IsNullOrEmpty(request.Request.Headers.Range) ? BlobWant.Whole : BlobWant.Range;
        var lookup = await FindAsync(request, digest, want);
        if (lookup.Outcome == BlobOutcome.Streaming)
        {
            await using var body = lookup.Body!;
            await WriteStreamingAsync(request, body);
            return;
        }
        if (lookup.Outcome == BlobOutcome.Local)
        {
            using var reader = store.OpenBlob(request.Repository, digest);
            if (reader is not null)
            {
                await WriteFromStoreAsync(request, reader);
                return;
            }
        }
        await ErrorWriter.WriteAsync(request.Context, ApiErrors.BlobUnknown(request.Reference));
    }

    private ValueTask<BlobLookup> FindAsync(RegistryRequest request, Digest digest, BlobWant want) =>
        sources.IsEmpty || sources.IsLocalOnly(request.Request)
            ? ValueTask.FromResult(BlobLookup.Missing)
            : sources.FindBlobAsync(request.Repository, digest, want, request.Aborted);

    private static void WriteHead(RegistryRequest request, long length)
    {
        var response = request.Response;
        response.StatusCode = StatusCodes.Status200OK;
        SetBlobHeaders(response, request.Reference);
        response.ContentLength = length;
    }

    private static async Task WriteFromStoreAsync(RegistryRequest request, BlobReader reader)
    {
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

    /// <summary>The whole blob as the source streams it; a source that fails or does not verify cuts the response.</summary>
    private static async Task WriteStreamingAsync(RegistryRequest request, BlobBody body)
    {
        var response = request.Response;
        response.StatusCode = StatusCodes.Status200OK;
        SetBlobHeaders(response, request.Reference);
        response.ContentLength = body.Length;
        var result = await body.SendAsync(response.BodyWriter, request.Aborted);
        // Kestrel would complete a short body as a failed response only after the fact: abort, so the client
        // sees an error and never a body it could take for complete.
        if (result == BlobSendResult.SourceFailed) request.Context.Abort();
    }

    private static void SetBlobHeaders(HttpResponse response, string digest)
    {
        var headers = response.Headers;
        headers.ContentType = RegistryHeaders.OctetStream;
        headers[RegistryHeaders.ContentDigest] = digest;
        headers.AcceptRanges = RegistryHeaders.BytesUnit;
        // Content is addressed by digest and never changes: let caches keep it.
        headers.ETag = ContentHeaders.ETag(digest);
        headers.CacheControl = ContentHeaders.Immutable;
    }
}
