namespace EdgeRegistry.Metrics;

/// <summary>
/// Puts a request path into its <see cref="MetricRoute"/> without allocating: repository names may hold any
/// number of slashes, so the area is read from the end of the path (the last segments), as the API routes do.
/// </summary>
internal static class RouteClassifier
{
    public static MetricRoute Classify(ReadOnlySpan<char> path)
    {
        if (path.StartsWith("/_edgereg/peer/", StringComparison.Ordinal)) return MetricRoute.Peer;
        if (!path.StartsWith("/v2", StringComparison.Ordinal)) return MetricRoute.Other;
        var rest = path[3..];
        if (rest.IsEmpty || rest.SequenceEqual("/")) return MetricRoute.Base;
        if (rest.SequenceEqual("/_catalog")) return MetricRoute.Catalog;
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal)) return MetricRoute.Tags;
        if (rest.EndsWith("/blobs/uploads/", StringComparison.Ordinal)) return MetricRoute.Upload;

        // Everything else is /v2/<name>/<area>/<one segment>: a reference, a digest or an upload id.
        int lastSlash = rest.LastIndexOf('/');
        if (lastSlash <= 0) return MetricRoute.Other;
        var area = rest[..lastSlash];
        if (area.EndsWith("/manifests", StringComparison.Ordinal)) return MetricRoute.Manifest;
        if (area.EndsWith("/blobs/uploads", StringComparison.Ordinal)) return MetricRoute.Upload;
        if (area.EndsWith("/blobs", StringComparison.Ordinal)) return MetricRoute.Blob;
        if (area.EndsWith("/referrers", StringComparison.Ordinal)) return MetricRoute.Referrers;
        return MetricRoute.Other;
    }

    public static string Label(MetricRoute route) => route switch
    {
        MetricRoute.Base => "base",
        MetricRoute.Catalog => "catalog",
        MetricRoute.Manifest => "manifest",
        MetricRoute.Blob => "blob",
        MetricRoute.Upload => "upload",
        MetricRoute.Tags => "tags",
        MetricRoute.Referrers => "referrers",
        MetricRoute.Peer => "peer",
        _ => "other",
    };
}
