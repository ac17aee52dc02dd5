using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Storage.Tests.Manifests;

public class RequiredChildrenTests
{
    private static readonly ManifestPlatform Node = new("linux", "amd64");

    [Fact]
    public void Of_IndexWithOwnPlatform_OnlyOwnPlatformChildrenRequired()
    {
        var own = Child(1, "linux", "amd64");
        var ownVariant = Child(2, "linux", "amd64");
        var children = new[] { own, Child(3, "linux", "arm64"), ownVariant, Child(4, "windows", "amd64") };

        Assert.Equal([own, ownVariant], RequiredChildren.Of(children, Node));
    }

    [Fact]
    public void Of_IndexWithoutOwnPlatform_AllChildrenRequired()
    {
        var children = new[] { Child(1, "linux", "arm64"), Child(2, "linux", "s390x") };

        Assert.Equal(children, RequiredChildren.Of(children, Node));
    }

    [Fact]
    public void Of_ChildrenWithoutPlatform_AllRequired()
    {
        var children = new[] { new ChildManifest(Digest(1), null), new ChildManifest(Digest(2), null) };

        Assert.Equal(children, RequiredChildren.Of(children, Node));
    }

    [Fact]
    public void Of_ChildWithoutPlatformBesideOwnPlatform_NotRequired()
    {
        // An attestation-style entry without a platform beside real images: the node's image decides.
        var own = Child(1, "linux", "amd64");
        var children = new[] { own, new ChildManifest(Digest(2), null) };

        Assert.Equal([own], RequiredChildren.Of(children, Node));
    }

    private static ChildManifest Child(byte seed, string os, string architecture) => new(Digest(seed), new ManifestPlatform(os, architecture));

    private static Digest Digest(byte seed) => ContentHasher.Compute(DigestAlgorithm.Sha256, [seed]);
}
