using System.Diagnostics;
using EdgeRegistry.Distribution.Access;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Handlers;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Logging;
using EdgeRegistry.Distribution.Routing;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution;

/// <summary>
/// The single request delegate for everything under <c>/v2</c>: parses the raw path, checks write access,
/// validates the repository name, calls the endpoint's handler and turns failures into OCI error bodies.
/// No endpoint routing: a manifest GET costs one path split and a dictionary lookup in the store.
/// </summary>
internal sealed class RegistryDispatcher(
    WriteAccess access,
    BlobHandler blobs,
    UploadHandler uploads,
    ManifestHandler manifests,
    ListingHandler listings,
    ILogger<RegistryDispatcher> logger)
{
    private static readonly byte[] EmptyJsonObject = "{}"u8.ToArray();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string path = RouteParser.RawPath(context);
        if (!RouteParser.IsRegistryPath(path))
        {
            await next(context);
            return;
        }

        long started = Stopwatch.GetTimestamp();
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        var route = RouteParser.Parse(path);
        try
        {
            await DispatchAsync(context, route);
        }
        catch (StoreException ex)
        {
            await FailAsync(context, route, ex);
        }
        catch (Exception ex) when (IsClientGone(context, ex))
        {
            DistributionLog.ClientAborted(logger, context.Request.Method, path);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own request checks (body over the size limit, malformed framing).
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new ApiError(ex.StatusCode, OciErrorCodes.SizeInvalid, "the request body is too large")
                : new ApiError(ex.StatusCode, OciErrorCodes.Unsupported, "malformed request");
            await WriteOrAbortAsync(context, error);
        }
        catch (Exception ex)
        {
            DistributionLog.UnexpectedFailure(logger, ex, context.Request.Method, path);
            await WriteOrAbortAsync(context, ApiErrors.Internal);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                DistributionLog.RequestCompleted(logger, context.Request.Method, route.Name, route.Kind.ToString(),
                    route.Reference, context.Response.StatusCode, context.Response.ContentLength ?? 0,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    private Task DispatchAsync(HttpContext context, ApiRoute route)
    {
        string method = context.Request.Method;
        switch (route.Kind)
        {
            case RouteKind.Base:
                return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? PingAsync(context) : NotAllowed(context);
            case RouteKind.Catalog:
                return HttpMethods.IsGet(method) ? listings.CatalogAsync(context) : NotAllowed(context);
            case RouteKind.NotFound:
                return ErrorWriter.WriteAsync(context, ApiErrors.EndpointUnknown);
        }

        bool isWrite = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || route.Kind == RouteKind.Upload;
        if (isWrite)
        {
            var decision = access.Check(context);
            if (decision != WriteAccess.Decision.Allowed)
            {
                return ErrorWriter.WriteAsync(context, ApiErrors.Unauthorized(decision == WriteAccess.Decision.BadCredentials
                    ? "invalid credentials"
                    : "authentication required to push or delete"));
            }
        }
        if (!RepositoryName.TryParse(route.Name, out var repository))
            return ErrorWriter.WriteAsync(context, ApiErrors.NameInvalid(route.Name));

        var request = new RegistryRequest(context, repository, route.Reference);
        return (route.Kind, method) switch
        {
            (RouteKind.Manifest, "GET" or "HEAD") => manifests.GetAsync(request),
            (RouteKind.Manifest, "PUT") => manifests.PutAsync(request),
            (RouteKind.Manifest, "DELETE") => manifests.DeleteAsync(request),
            (RouteKind.Blob, "GET") => blobs.GetAsync(request),
            (RouteKind.Blob, "HEAD") => blobs.HeadAsync(request),
            (RouteKind.Blob, "DELETE") => blobs.DeleteAsync(request),
            (RouteKind.UploadStart, "POST") => uploads.StartAsync(request),
            (RouteKind.Upload, "PATCH") => uploads.PatchAsync(request),
            (RouteKind.Upload, "PUT") => uploads.PutAsync(request),
            (RouteKind.Upload, "GET") => uploads.StatusAsync(request),
            (RouteKind.Upload, "DELETE") => uploads.CancelAsync(request),
            (RouteKind.TagList, "GET") => listings.TagsAsync(request),
            (RouteKind.Referrers, "GET") => listings.ReferrersAsync(request),
            _ => NotAllowed(context),
        };
    }

    /// <summary>
    /// <c>GET /v2/</c>. When writes need credentials, a client that has not authenticated gets a 401 Basic
    /// challenge: Docker and containers/image only send credentials to registries that challenged them here.
    /// Clients without credentials (CRI-O pulls) treat the 401 as "registry present" and pull anonymously.
    /// </summary>
    private Task PingAsync(HttpContext context)
    {
        if (access.HasCredentials && !access.IsAnonymousAllowed(context) && access.Check(context) != WriteAccess.Decision.Allowed)
            return ErrorWriter.WriteAsync(context, ApiErrors.Unauthorized("authentication required to push or delete; pulls are anonymous"));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = EmptyJsonObject.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        return context.Response.Body.WriteAsync(EmptyJsonObject, context.RequestAborted).AsTask();
    }

    private static Task NotAllowed(HttpContext context) => ErrorWriter.WriteAsync(context, ApiErrors.MethodNotAllowed);

    private Task FailAsync(HttpContext context, ApiRoute route, StoreException ex)
    {
        var error = StoreErrorMap.ToApiError(ex);
        if (ex.Error == StoreError.StorageFull)
            DistributionLog.StoreFull(logger, context.Request.Method, route.Name, ex.Message);
        else if (error.Status >= 500)
            DistributionLog.StoreFailed(logger, ex, context.Request.Method, route.Name, ex.Error.ToString(), ex.Message);
        else
            DistributionLog.StoreRefused(logger, context.Request.Method, route.Name, ex.Error.ToString(), ex.Message);
        return WriteOrAbortAsync(context, error);
    }

    /// <summary>Writes the error if nothing was sent yet; otherwise the only honest signal left is a reset.</summary>
    private static Task WriteOrAbortAsync(HttpContext context, ApiError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        context.Response.Headers.Remove("Content-Range");
        context.Response.Headers.Remove(RegistryHeaders.ContentDigest);
        return ErrorWriter.WriteAsync(context, error);
    }

    private static bool IsClientGone(HttpContext context, Exception ex) =>
        context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException
        || ex is ConnectionResetException;
}
