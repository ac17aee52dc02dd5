using System.Globalization;
using EdgeRegistry.Content;
using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeRegistry.Import;

/// <summary>
/// The agent's side of `edgereg import` (see <see cref="ImportRoutes"/>): every call goes through this process's own
/// store, so what an import commits raises the same change events as a push — the inventory records it, the
/// manifest cache and completeness checks see it, and the peers copy it. Served only to connections on the status
/// unix socket (root-only, 0600); on TCP the path is the distribution API's, which answers 404.
/// </summary>
internal static partial class ImportEndpoint
{
    public static IApplicationBuilder UseImportEndpoint(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!StatusEndpoint.ArrivedOnUnixSocket(context) || !context.Request.Path.StartsWithSegments(ImportRoutes.Prefix.TrimEnd('/'), StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IRegistryStore>();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeRegistry.Import");
        try
        {
            if (context.Request.Path.Value is ImportRoutes.Fetch)
            {
                await FetchAsync(context, context.RequestServices.GetServices<IContentSource>(), store, logger);
                return;
            }

            await HandleAsync(context, new StoreImportTarget(store), logger);
        }
        catch (StoreException e)
        {
            context.Response.StatusCode = e.Error switch
            {
                StoreError.StorageFull or StoreError.SpaceLimit => StatusCodes.Status507InsufficientStorage,
                StoreError.IoFailure => StatusCodes.Status500InternalServerError,
                _ => StatusCodes.Status400BadRequest,
            };
            context.Response.Headers[ImportRoutes.ErrorHeader] = e.Error.ToString();
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
        }
        catch (BadImportRequest e)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
        }
    });

    private static async Task HandleAsync(HttpContext context, StoreImportTarget target, ILogger logger)
    {
        var request = context.Request;
        var token = context.RequestAborted;
        bool put = HttpMethods.IsPut(request.Method);
        switch (request.Path.Value)
        {
            case ImportRoutes.BlobLength when !put:
                await WriteOrNotFound(context, (await target.BlobLengthAsync(DigestOf(request), token))?.ToString(CultureInfo.InvariantCulture));
                return;
            case ImportRoutes.Blob when put:
                // Blobs run to gigabytes: no request body limit on this root-only route.
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
                var digest = DigestOf(request);
                long size = LongOf(request, "size");
                await target.CommitBlobAsync(digest, size, request.Body, token);
                LogBlobImported(logger, digest.ToString(), size);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case ImportRoutes.Blob:
                var bytes = await target.ReadBlobAsync(DigestOf(request), (int)Math.Min(int.MaxValue, LongOf(request, "max")), token);
                if (bytes is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await context.Response.Body.WriteAsync(bytes, token);
                return;
            case ImportRoutes.Manifest when put:
                var (repository, manifest) = (RepositoryOf(request), DigestOf(request));
                using (var buffer = new MemoryStream())
                {
                    await request.Body.CopyToAsync(buffer, token);
                    await target.ImportManifestAsync(repository, manifest, buffer.ToArray(), token);
                }

                LogManifestImported(logger, repository.Value, manifest.ToString());
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case ImportRoutes.Manifest:
                context.Response.StatusCode = await target.HasManifestAsync(RepositoryOf(request), DigestOf(request), token)
                    ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound;
                return;
            case ImportRoutes.Tag when put:
                await target.SetTagAsync(RepositoryOf(request), TagOf(request), DigestOf(request), token);
                LogTagImported(logger, RepositoryOf(request).Value, TagOf(request), DigestOf(request).ToString());
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case ImportRoutes.Tag:
                await WriteOrNotFound(context, (await target.TagTargetAsync(RepositoryOf(request), TagOf(request), token))?.ToString());
                return;
            case ImportRoutes.Space when !put:
                string what = request.Query["what"].ToString() is { Length: > 0 } named ? named : "the import";
                await context.Response.WriteAsync(await target.SpaceRefusalAsync(LongOf(request, "bytes"), what, token) ?? "", token);
                return;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }

    /// <summary>
    /// A blob a differential medium left out and the store lacks, from the agent's content sources (the peers), as a
    /// client's ranged read-through gets it: the whole blob copied into the store, verified, linked into the
    /// repository — also one the cluster does not know yet, since the peers serve blobs by digest; urgent, so the
    /// replication bandwidth cap does not slow the import. GET only asks whether one could.
    /// </summary>
    private static async Task FetchAsync(HttpContext context, IEnumerable<IContentSource> sources, IRegistryStore store, ILogger logger)
    {
        var (repository, digest, token) = (RepositoryOf(context.Request), DigestOf(context.Request), context.RequestAborted);
        bool copy = HttpMethods.IsPut(context.Request.Method);
        foreach (var source in sources)
        {
            if (!copy)
            {
                if (!await source.CanServeBlobAsync(repository, digest, token)) continue;
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            var lookup = await source.FindBlobAsync(repository, digest, BlobWant.Copy, token);
            if (lookup.Body is { } body) await body.DisposeAsync(); // a ranged want is answered from the store, never streamed
            if (lookup.Outcome != BlobOutcome.Local || store.BlobLength(digest) is not long length) continue;
            LogBlobFetched(logger, digest.ToString(), length, repository.Value);
            await context.Response.WriteAsync(length.ToString(CultureInfo.InvariantCulture), token);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task WriteOrNotFound(HttpContext context, string? text)
    {
        if (text is null) context.Response.StatusCode = StatusCodes.Status404NotFound;
        else await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static Digest DigestOf(HttpRequest request) =>
        Digest.TryParse(request.Query["digest"].ToString(), out var digest) ? digest : throw new BadImportRequest("digest: expected sha256:<hex>");

    private static RepositoryName RepositoryOf(HttpRequest request) =>
        RepositoryName.TryParse(request.Query["repository"].ToString(), out var name) ? name : throw new BadImportRequest("repository: not a valid repository name");

    private static string TagOf(HttpRequest request) =>
        request.Query["tag"].ToString() is var tag && Storage.Naming.Tag.IsValid(tag) ? tag : throw new BadImportRequest("tag: not a valid tag");

    private static long LongOf(HttpRequest request, string name) =>
        long.TryParse(request.Query[name].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : throw new BadImportRequest($"{name}: expected a byte count");

    private sealed class BadImportRequest(string message) : Exception(message);

    [LoggerMessage(EventId = 80, Level = LogLevel.Debug, Message = "Import committed blob {Digest} ({Bytes} bytes)")]
    private static partial void LogBlobImported(ILogger logger, string digest, long bytes);

    [LoggerMessage(EventId = 81, Level = LogLevel.Information, Message = "Import stored manifest {Repository}@{Digest}")]
    private static partial void LogManifestImported(ILogger logger, string repository, string digest);

    [LoggerMessage(EventId = 84, Level = LogLevel.Information, Message = "Import fetched blob {Digest} ({Bytes} bytes) for {Repository} from the cluster: the medium left it out")]
    private static partial void LogBlobFetched(ILogger logger, string digest, long bytes, string repository);

    [LoggerMessage(EventId = 82, Level = LogLevel.Information, Message = "Import tagged {Repository}:{Tag} as {Digest}")]
    private static partial void LogTagImported(ILogger logger, string repository, string tag, string digest);
}
