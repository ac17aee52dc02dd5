using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Reads what a manifest references without storing it, with the store's own parser, so a caller that has to order
/// its writes (an import publishes children before their index, blobs before their manifest) sees the references
/// exactly as the store will when the manifest is imported.
/// </summary>
public static class ManifestInspection
{
    /// <summary>The manifest's references; <see cref="StoreException"/> (ManifestInvalid) when it is no manifest the store accepts.</summary>
    public static ManifestReferences References(ReadOnlyMemory<byte> content) => ManifestParser.Parse(content, contentType: null).References();
}
