namespace EdgeRegistry.Mirrors;

/// <summary>
/// What one <c>--from</c> file gave: the mirrored repositories, the kinds skipped (with how many of each, e.g. the
/// CatalogSources oc-mirror writes beside its mirror sets), and the names of its ImageContentSourcePolicies — which
/// the cluster must lose once the IDMS/ITMS rendered from them are applied.
/// </summary>
internal sealed record MirrorSourceReading(
    IReadOnlyList<MirroredRepository> Repositories,
    IReadOnlyDictionary<string, int> SkippedKinds,
    IReadOnlyList<string> ContentSourcePolicies);
