namespace EdgeRegistry.Distribution.Routing;

/// <summary>The API endpoints, as told apart by the shape of the request path.</summary>
internal enum RouteKind
{
    NotFound,
    Base,
    Catalog,
    TagList,
    Manifest,
    Blob,
    UploadStart,
    Upload,
    Referrers,
}
