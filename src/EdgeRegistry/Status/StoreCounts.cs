namespace EdgeRegistry.Status;

/// <summary>What a walk of the store found: manifests are distinct digests across all repositories.</summary>
internal sealed record StoreCounts(int Repositories, long Manifests, long Blobs, long Bytes, DateTimeOffset CountedAt);
