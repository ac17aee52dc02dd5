using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// What a manifest points at: the blobs (config and distributable layers) of an image manifest, the child
/// manifests of an index, and its subject. A registry can serve the manifest completely only if it can serve all
/// of <see cref="Blobs"/> and the <see cref="RequiredChildren"/> of <see cref="Manifests"/>.
/// </summary>
public sealed record ManifestReferences(IReadOnlyList<BlobReference> Blobs, IReadOnlyList<ChildManifest> Manifests, Digest? Subject);

/// <summary>A blob a manifest references, with the size its descriptor declares.</summary>
public readonly record struct BlobReference(Digest Digest, long Size);
