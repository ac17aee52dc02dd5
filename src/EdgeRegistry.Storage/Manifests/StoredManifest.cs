using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>A manifest as stored: its exact bytes (never re-serialized), digest and media type.</summary>
public sealed record StoredManifest(Digest Digest, string MediaType, ReadOnlyMemory<byte> Content)
{
    public long Size => Content.Length;

    /// <summary>The digest as text, made once: every GET and HEAD of the manifest sends it as Docker-Content-Digest.</summary>
    public string DigestText { get; } = Digest.ToString();
}
