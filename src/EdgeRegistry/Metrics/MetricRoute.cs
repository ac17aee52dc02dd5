namespace EdgeRegistry.Metrics;

/// <summary>The API area a request belongs to: the <c>route</c> label, a small fixed set so series never multiply.</summary>
internal enum MetricRoute
{
    Other,
    Base,
    Catalog,
    Manifest,
    Blob,
    Upload,
    Tags,
    Referrers,
    Peer,
}
