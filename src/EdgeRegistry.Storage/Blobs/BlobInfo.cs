using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>A committed blob: complete, digest-verified and durable.</summary>
public readonly record struct BlobInfo(Digest Digest, long Length);
