using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Referrers;

/// <summary>
/// One entry of a referrers index: a manifest whose <c>subject</c> names the queried digest.
/// <see cref="ArtifactType"/> is the manifest's artifactType, or its config media type when that is absent
/// (as the spec requires for image manifests).
/// </summary>
public sealed record ReferrerDescriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations);
