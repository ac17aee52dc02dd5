using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Logging;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Manifests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary><c>GET</c>/<c>HEAD</c>/<c>PUT</c>/<c>DELETE /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
internal sealed class ManifestHandler(IRegistryStore store, ContentSources sources, QuarantinedBlobs quarantined, DistributionOptions options, ILogger logger)
{
    /// <summary>The hot path of every pull: no allocations beyond the digest string, body written from the stored bytes.</summary>
    public Task GetAsync(RegistryRequest request)
    {
        // A name that is no valid tag cannot be stored, so asking for it is asking for an unknown manifest: 404, as
        // Distribution and zot answer and the conformance suite expects (`.INVALID_MANIFEST_NAME`). A PUT to such a
        // name stays a 400; a malformed digest stays DIGEST_INVALID.
        if (!References.IsValidManifestReference(request.Reference, out var error))
            return ErrorWriter.WriteAsync(request.Context, request.Reference.Contains(':') ? error : ApiErrors.ManifestUnknown(request.Reference));
        var manifest = store.GetManifest(request.Repository, request.Reference);
        if (sources.IsEmpty) return WriteManifestAsync(request, RecordPull(WithoutQuarantined(request, manifest)));
        // A peer's request is replication, not a pull: only clients' pulls keep content from the collector.
        if (sources.IsLocalOnly(request.Request)) return WriteManifestAsync(request, manifest);
        return GetThroughRemoteAsync(request, manifest);
    }

    /// <summary>
    /// With peers: a manifest the store lacks is fetched from them, and any manifest is answered only when it is
    /// complete (every referenced object servable), because the client will take all its blobs from us.
    /// </summary>
    private async Task GetThroughRemoteAsync(RegistryRequest request, StoredManifest? manifest)
    {
        if (manifest is not null && !request.Reference.Contains(':', StringComparison.Ordinal))
            manifest = await sources.RefreshTagAsync(request.Repository, request.Reference, manifest, request.Aborted);
        manifest ??= await sources.TryFetchManifestAsync(request.Repository, request.Reference, request.Aborted);
        if (manifest is not null && !await sources.IsCompleteAsync(request.Repository, manifest, request.Aborted))
        {
            DistributionLog.ManifestIncomplete(logger, request.Repository.Value, manifest.Digest.ToString());
            manifest = null;
        }
        await WriteManifestAsync(request, RecordPull(manifest));
    }

    /// <summary>
    /// Without peers nothing else checks completeness: a manifest that needs a blob the store took out of service as
    /// damaged answers 404 (complete-or-404), so the client moves on to its next mirror instead of failing on the blob.
    /// </summary>
    private StoredManifest? WithoutQuarantined(RegistryRequest request, StoredManifest? manifest)
    {
        if (manifest is null || !quarantined.Needs(request.Repository, manifest)) return manifest;
        DistributionLog.ManifestIncomplete(logger, request.Repository.Value, manifest.Digest.ToString());
        return null;
    }

    /// <summary>GET and HEAD both count (CRI-O HEADs a digest it already holds): coalesced in memory, see PullRecords.</summary>
    private StoredManifest? RecordPull(StoredManifest? manifest)
    {
        if (manifest is not null) store.Pulls.Record(manifest.Digest);
        return manifest;
    }

    private static Task WriteManifestAsync(RegistryRequest request, StoredManifest? manifest)
    {
        if (manifest is null || !AcceptNegotiation.Accepts(request.Request.Headers.Accept, manifest.MediaType))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.ManifestUnknown(request.Reference));

        var response = request.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Content.Length;
        response.Headers[RegistryHeaders.ContentDigest] = manifest.DigestText;
        if (request.IsHead) return Task.CompletedTask;
        var written = response.BodyWriter.WriteAsync(manifest.Content, request.Aborted);
        // Almost always complete at once (a manifest fits the pipe): no Task allocated for it then.
        return written.IsCompletedSuccessfully ? Task.CompletedTask : written.AsTask();
    }

    public async Task PutAsync(RegistryRequest request)
    {
        if (!References.IsValidManifestReference(request.Reference, out var error)
            || !PushTags.TryRead(request.Request.Query, request.Reference, out var tags, out error))
        {
            await ErrorWriter.WriteAsync(request.Context, error);
            return;
        }
        long limit = options.MaxManifestBytes;
        RequestBody.SetLimit(request.Context, limit);
        byte[]? content = await RequestBody.ReadBoundedAsync(request.Request, limit, request.Aborted);
        if (content is null)
        {
            await ErrorWriter.WriteAsync(request.Context, ApiErrors.ManifestTooLarge(limit));
            return;
        }
        var result = await store.PutManifestAsync(request.Repository, request.Reference, request.Request.ContentType,
            content, request.Aborted);
        string digest = result.Digest.ToString();
        DistributionLog.ManifestStored(logger, request.Repository.Value, request.Reference, digest);
        // Tags named by `?tag=` on a push by digest: the only way to tag content whose digest is not sha256, as a
        // PUT to a tag always stores sha256. The manifest is durable first, so a tag never names something absent.
        foreach (string tag in tags)
        {
            store.SetTag(request.Repository, tag, result.Digest);
            DistributionLog.ManifestStored(logger, request.Repository.Value, tag, digest);
        }

        var response = request.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{request.Repository.Value}/manifests/{digest}";
        response.Headers[RegistryHeaders.ContentDigest] = digest;
        if (result.Subject is { } subject) response.Headers[RegistryHeaders.OciSubject] = subject.ToString();
        if (tags.Length > 0) response.Headers[RegistryHeaders.OciTag] = tags;
        response.ContentLength = 0;
    }

    public Task DeleteAsync(RegistryRequest request)
    {
        if (!References.IsValidManifestReference(request.Reference, out var error))
            return ErrorWriter.WriteAsync(request.Context, error);
        if (!store.DeleteManifest(request.Repository, request.Reference))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.ManifestUnknown(request.Reference));
        DistributionLog.ManifestDeleted(logger, request.Repository.Value, request.Reference);
        request.Response.StatusCode = StatusCodes.Status202Accepted;
        request.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
