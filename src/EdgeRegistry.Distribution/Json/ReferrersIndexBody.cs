namespace EdgeRegistry.Distribution.Json;

/// <summary>Response of the referrers API: an OCI image index listing the referring manifests.</summary>
internal sealed record ReferrersIndexBody(int SchemaVersion, string MediaType, IReadOnlyList<ReferrerEntry> Manifests);

internal sealed record ReferrerEntry(
    string MediaType,
    string Digest,
    long Size,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations);
