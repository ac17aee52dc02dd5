namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>A single-platform image: manifest, config and gzipped layers, with their expected digests.</summary>
internal sealed record GeneratedImage(string Architecture, OciBlob Manifest, OciBlob Config, IReadOnlyList<OciBlob> Layers)
{
    /// <summary>Every object the manifest references, config first.</summary>
    public IEnumerable<OciBlob> ReferencedBlobs => [Config, .. Layers];

    /// <summary>The manifest and everything it references.</summary>
    public IEnumerable<OciBlob> AllObjects => [Manifest, .. ReferencedBlobs];
}
