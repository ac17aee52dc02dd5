using System.IO.Pipelines;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Logging;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>
/// Blob uploads: <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> (new session, monolithic <c>?digest=</c>, or
/// cross-repository <c>?mount=&amp;from=</c>) and <c>PATCH</c>/<c>PUT</c>/<c>GET</c>/<c>DELETE</c> on a session.
/// </summary>
internal sealed class UploadHandler(IRegistryStore store, ILogger logger)
{
    public async Task StartAsync(RegistryRequest request)
    {
        RequestBody.AllowUnbounded(request.Context);
        var query = request.Request.Query;

        string? mount = query["mount"];
        if (!string.IsNullOrEmpty(mount))
        {
            if (!Digest.TryParse(mount, out var mountDigest))
            {
                await ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(mount));
                return;
            }
            if (TryMount(request, mountDigest, query["from"]) is { } mounted)
            {
                Created(request, mounted);
                return;
            }
            // The spec's fallback when the blob cannot be mounted: an ordinary upload session.
        }

        if (query.ContainsKey("digest"))
        {
            string? digestText = query["digest"];
            if (!Digest.TryParse(digestText, out var digest))
            {
                await ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(digestText));
                return;
            }
            var blob = await store.PutBlobAsync(request.Repository, digest, request.Request.BodyReader,
                request.Request.ContentLength, request.Aborted);
            DistributionLog.BlobCommitted(logger, request.Repository.Value, blob.Digest.ToString(), blob.Length);
            Created(request, blob);
            return;
        }

        var upload = store.StartUpload(request.Repository);
        Accepted(request, upload, StatusCodes.Status202Accepted);
    }

    public async Task PatchAsync(RegistryRequest request)
    {
        RequestBody.AllowUnbounded(request.Context);
        if (await OpenChunkAsync(request) is not var (upload, offset, length)) return;
        try
        {
            var status = await store.AppendUploadAsync(request.Repository, upload.Id, request.Request.BodyReader,
                offset, length, request.Aborted);
            Accepted(request, status, StatusCodes.Status202Accepted);
        }
        catch (StoreException ex) when (ex.Error == StoreError.UploadOutOfOrder)
        {
            await WriteChunkErrorAsync(request, store.GetUpload(request.Repository, upload.Id) ?? upload, StoreErrorMap.ToApiError(ex));
        }
    }

    public async Task PutAsync(RegistryRequest request)
    {
        RequestBody.AllowUnbounded(request.Context);
        string? digestText = request.Request.Query["digest"];
        if (!Digest.TryParse(digestText, out var digest))
        {
            await ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(digestText,
                string.IsNullOrEmpty(digestText) ? "the digest query parameter is required to complete an upload" : "invalid or unsupported digest"));
            return;
        }
        if (await OpenChunkAsync(request) is not var (upload, offset, length)) return;
        PipeReader? finalChunk = RequestBody.HasBody(request.Request) ? request.Request.BodyReader : null;
        try
        {
            var blob = await store.CompleteUploadAsync(request.Repository, upload.Id, digest, finalChunk, offset,
                finalChunk is null ? null : length, request.Aborted);
            DistributionLog.BlobCommitted(logger, request.Repository.Value, blob.Digest.ToString(), blob.Length);
            Created(request, blob);
        }
        catch (StoreException ex) when (ex.Error == StoreError.UploadOutOfOrder)
        {
            await WriteChunkErrorAsync(request, store.GetUpload(request.Repository, upload.Id) ?? upload, StoreErrorMap.ToApiError(ex));
        }
    }

    public Task StatusAsync(RegistryRequest request)
    {
        if (FindUpload(request) is not { } upload)
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.UploadUnknown(request.Reference));
        Accepted(request, upload, StatusCodes.Status204NoContent);
        return Task.CompletedTask;
    }

    public Task CancelAsync(RegistryRequest request)
    {
        if (!References.IsWellFormedUploadId(request.Reference) || !store.CancelUpload(request.Repository, request.Reference))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.UploadUnknown(request.Reference));
        request.Response.StatusCode = StatusCodes.Status204NoContent;
        request.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private BlobInfo? TryMount(RegistryRequest request, Digest digest, string? from)
    {
        // No source named (the spec's anonymous mount): any committed blob with this digest will do.
        if (string.IsNullOrEmpty(from)) return store.MountBlob(request.Repository, digest, from: null);
        if (!RepositoryName.TryParse(from, out var source)) return null;
        return store.MountBlob(request.Repository, digest, source);
    }

    private UploadStatus? FindUpload(RegistryRequest request) =>
        References.IsWellFormedUploadId(request.Reference) ? store.GetUpload(request.Repository, request.Reference) : null;

    /// <summary>
    /// Finds the upload a PATCH or PUT addresses and checks its Content-Range; on failure the error (with
    /// the upload's current state) is already written and the result is null.
    /// </summary>
    private async Task<(UploadStatus Upload, long? Offset, long? Length)?> OpenChunkAsync(RegistryRequest request)
    {
        if (FindUpload(request) is not { } upload)
        {
            await ErrorWriter.WriteAsync(request.Context, ApiErrors.UploadUnknown(request.Reference));
            return null;
        }
        if (!TryChunk(request, upload, out long? offset, out long? length, out var error))
        {
            await WriteChunkErrorAsync(request, upload, error);
            return null;
        }
        return (upload, offset, length);
    }

    /// <summary>
    /// Reads Content-Range/Content-Length of a chunk. A chunk must start where the upload ends (416 otherwise,
    /// checked here so nothing is read; the store checks again under its lock), and a declared range must match
    /// the declared length.
    /// </summary>
    private static bool TryChunk(RegistryRequest request, UploadStatus upload, out long? offset, out long? length, out ApiError error)
    {
        offset = null;
        length = request.Request.ContentLength;
        error = default;
        string? header = request.Request.Headers.ContentRange;
        if (string.IsNullOrEmpty(header)) return true;
        if (!ChunkRange.TryParse(header, out var range))
        {
            error = ApiErrors.RangeNotSatisfiable($"malformed Content-Range '{header}'; expected <start>-<end>");
            return false;
        }
        if (range.Start != upload.Length)
        {
            error = ApiErrors.RangeNotSatisfiable($"the chunk starts at {range.Start} but the upload holds {upload.Length} bytes");
            return false;
        }
        if (length is long declared && declared != range.Length)
        {
            error = ApiErrors.UploadInvalid($"Content-Range covers {range.Length} bytes but Content-Length is {declared}");
            return false;
        }
        offset = range.Start;
        length = range.Length;
        return true;
    }

    /// <summary>Errors about a chunk tell the client where the upload stands, so it can resume.</summary>
    private static Task WriteChunkErrorAsync(RegistryRequest request, UploadStatus upload, ApiError error)
    {
        SetUploadHeaders(request, upload);
        return ErrorWriter.WriteAsync(request.Context, error);
    }

    private static void Accepted(RegistryRequest request, UploadStatus upload, int status)
    {
        request.Response.StatusCode = status;
        SetUploadHeaders(request, upload);
        request.Response.ContentLength = 0;
    }

    private static void SetUploadHeaders(RegistryRequest request, UploadStatus upload)
    {
        var headers = request.Response.Headers;
        headers.Location = $"/v2/{request.Repository.Value}/blobs/uploads/{upload.Id}";
        headers[RegistryHeaders.Range] = RegistryHeaders.UploadRange(upload.Length);
        headers[RegistryHeaders.UploadUuid] = upload.Id;
    }

    private static void Created(RegistryRequest request, BlobInfo blob)
    {
        string digest = blob.Digest.ToString();
        var response = request.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{request.Repository.Value}/blobs/{digest}";
        response.Headers[RegistryHeaders.ContentDigest] = digest;
        response.ContentLength = 0;
    }
}
