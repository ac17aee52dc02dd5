using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>An OCI content descriptor as found inside a manifest (only the fields the store needs).</summary>
internal sealed record Descriptor(string? MediaType, Digest Digest, long Size, bool HasUrls, ManifestPlatform? Platform = null);
