using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeRegistry.Distribution.Routing;

/// <summary>
/// Routes by the raw request target, not by <see cref="HttpRequest.Path"/>: Kestrel decodes %-escapes and
/// removes dot segments before routing, which would turn "a/%2e%2e/b" or "a%2Fb" into a different, valid
/// name. On the raw path such names keep their "%" and "..", and the repository grammar refuses them.
/// Repository names contain slashes, so the endpoint is recognised from the end of the path.
/// </summary>
internal static class RouteParser
{
    private const string Prefix = "/v2";

    /// <summary>The request path as the client sent it, without the query.</summary>
    public static string RawPath(HttpContext context)
    {
        string? raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // Hosts without a raw target (in-memory servers) give the path re-escaped, which keeps "%" visible.
            return context.Request.PathBase.ToUriComponent() + context.Request.Path.ToUriComponent();
        }
        if (raw[0] != '/')
        {
            // absolute-form ("http://host/v2/..."): keep the path part only.
            int scheme = raw.IndexOf("://", StringComparison.Ordinal);
            int slash = scheme < 0 ? -1 : raw.IndexOf('/', scheme + 3);
            raw = slash < 0 ? "" : raw[slash..];
        }
        int query = raw.IndexOf('?');
        return query < 0 ? raw : raw[..query];
    }

    /// <summary>True for "/v2" and everything below it: the paths this API answers.</summary>
    public static bool IsRegistryPath(string path) =>
        path.StartsWith(Prefix, StringComparison.Ordinal) && (path.Length == Prefix.Length || path[Prefix.Length] == '/');

    public static ApiRoute Parse(string path)
    {
        if (!IsRegistryPath(path)) return ApiRoute.NotFound;
        if (path.Length <= Prefix.Length + 1) return new ApiRoute(RouteKind.Base, "", "");
        string rest = path[(Prefix.Length + 1)..];
        if (rest == "_catalog") return new ApiRoute(RouteKind.Catalog, "", "");

        string[] segments = rest.Split('/');
        int n = segments.Length;
        if (n >= 3 && segments[n - 2] == "tags" && segments[n - 1] == "list")
            return new ApiRoute(RouteKind.TagList, Join(segments, n - 2), "");
        if (n >= 4 && segments[n - 3] == "blobs" && segments[n - 2] == "uploads")
        {
            // ".../blobs/uploads/" starts an upload; ".../blobs/uploads/<id>" addresses one.
            var kind = segments[n - 1].Length == 0 ? RouteKind.UploadStart : RouteKind.Upload;
            return new ApiRoute(kind, Join(segments, n - 3), segments[n - 1]);
        }
        if (n >= 3 && segments[n - 2] == "blobs" && segments[n - 1] == "uploads")
            return new ApiRoute(RouteKind.UploadStart, Join(segments, n - 2), "");
        if (n >= 3 && segments[n - 2] == "manifests")
            return new ApiRoute(RouteKind.Manifest, Join(segments, n - 2), segments[n - 1]);
        if (n >= 3 && segments[n - 2] == "blobs")
            return new ApiRoute(RouteKind.Blob, Join(segments, n - 2), segments[n - 1]);
        if (n >= 3 && segments[n - 2] == "referrers")
            return new ApiRoute(RouteKind.Referrers, Join(segments, n - 2), segments[n - 1]);
        return ApiRoute.NotFound;
    }

    private static string Join(string[] segments, int count) => string.Join('/', segments, 0, count);
}
