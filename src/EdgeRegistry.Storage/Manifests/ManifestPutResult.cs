using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>The outcome of storing a manifest: its digest and, when it declares one, its subject.</summary>
public sealed record ManifestPutResult(Digest Digest, Digest? Subject);
