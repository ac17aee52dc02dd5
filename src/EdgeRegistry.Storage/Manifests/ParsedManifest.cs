namespace EdgeRegistry.Storage.Manifests;

/// <summary>What the store needs to know about a manifest, read once from its JSON.</summary>
internal sealed record ParsedManifest(
    string MediaType,
    Descriptor? Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Descriptor> Children,
    Descriptor? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations)
{
    public bool IsIndex => ManifestMediaTypes.IsIndex(MediaType);

    public ManifestReferences References()
    {
        var blobs = new List<BlobReference>();
        if (Config is { } config) blobs.Add(new BlobReference(config.Digest, config.Size));
        foreach (var layer in Layers)
        {
            if (!layer.HasUrls) blobs.Add(new BlobReference(layer.Digest, layer.Size));
        }
        return new ManifestReferences(blobs, Children.Select(static c => new ChildManifest(c.Digest, c.Platform)).ToList(), Subject?.Digest);
    }

    /// <summary>The type a referrers response reports: artifactType, else (for image manifests) the config media type.</summary>
    public string? EffectiveArtifactType => ArtifactType ?? (IsIndex ? null : Config?.MediaType);
}
