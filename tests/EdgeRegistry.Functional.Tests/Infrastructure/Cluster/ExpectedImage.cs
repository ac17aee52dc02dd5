using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// What a full replica must hold for one pushed image: its tag, every manifest (an index and its children, or
/// one image manifest) and every blob those manifests reference.
/// </summary>
internal sealed record ExpectedImage(string Repository, string Tag, string RootDigest, IReadOnlyList<string> ManifestDigests,
    IReadOnlyList<string> BlobDigests)
{
    public static ExpectedImage Of(string repository, string tag, GeneratedImage image) =>
        new(repository, tag, image.Manifest.Digest, [image.Manifest.Digest], [.. image.ReferencedBlobs.Select(b => b.Digest).Distinct()]);

    public static ExpectedImage Of(string repository, string tag, GeneratedIndex index) =>
        new(repository, tag, index.Index.Digest, [index.Index.Digest, .. index.Images.Select(i => i.Manifest.Digest)],
            [.. index.Images.SelectMany(i => i.ReferencedBlobs).Select(b => b.Digest).Distinct()]);

    public string TagReference(string host) => $"docker://{host}/{Repository}:{Tag}";

    public string DigestReference(string host) => $"docker://{host}/{Repository}@{RootDigest}";
}
