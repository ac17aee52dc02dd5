using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>An entry of an index: the child manifest's digest and the platform it declares (null when it declares none).</summary>
public readonly record struct ChildManifest(Digest Digest, ManifestPlatform? Platform);
