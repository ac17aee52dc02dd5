namespace EdgeRegistry.Distribution.Routing;

/// <summary>
/// A parsed request path: which endpoint, the raw repository name (not yet validated) and the trailing
/// reference (tag, digest or upload id; empty when the endpoint has none).
/// </summary>
internal readonly record struct ApiRoute(RouteKind Kind, string Name, string Reference)
{
    public static readonly ApiRoute NotFound = new(RouteKind.NotFound, "", "");
}
