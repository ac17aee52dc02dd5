namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Which children of an index a node must hold to serve it (the sparse-index rule). containers/image (CRI-O)
/// takes the index and then the child for its own platform from the same mirror, never the other children, so a
/// site that mirrors only the amd64 child of a multi-arch release can serve the release's index digest — the one
/// the IDMS names — as long as that child is complete. When the index lists no child for this node's platform (an
/// artifact index, an index of indexes, a foreign-architecture release) nothing tells which child a client wants:
/// then every child is required, as for any other manifest.
/// </summary>
public static class RequiredChildren
{
    public static IEnumerable<ChildManifest> Of(IReadOnlyList<ChildManifest> children, ManifestPlatform node)
    {
        bool anyForNode = false;
        foreach (var child in children)
        {
            if (child.Platform is { } platform && platform.Matches(node)) { anyForNode = true; break; }
        }
        if (!anyForNode) return children;
        return children.Where(child => child.Platform is { } platform && platform.Matches(node));
    }
}
