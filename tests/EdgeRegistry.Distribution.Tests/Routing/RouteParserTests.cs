using EdgeRegistry.Distribution.Routing;

namespace EdgeRegistry.Distribution.Tests.Routing;

public class RouteParserTests
{
    [Theory]
    [InlineData("/v2", (int)RouteKind.Base, "", "")]
    [InlineData("/v2/", (int)RouteKind.Base, "", "")]
    [InlineData("/v2/_catalog", (int)RouteKind.Catalog, "", "")]
    [InlineData("/v2/a/b/c/tags/list", (int)RouteKind.TagList, "a/b/c", "")]
    [InlineData("/v2/a/manifests/latest", (int)RouteKind.Manifest, "a", "latest")]
    [InlineData("/v2/a/b/blobs/sha256:abc", (int)RouteKind.Blob, "a/b", "sha256:abc")]
    [InlineData("/v2/a/blobs/uploads/", (int)RouteKind.UploadStart, "a", "")]
    [InlineData("/v2/a/blobs/uploads", (int)RouteKind.UploadStart, "a", "")]
    [InlineData("/v2/a/blobs/uploads/1234-abcd", (int)RouteKind.Upload, "a", "1234-abcd")]
    [InlineData("/v2/a/referrers/sha256:abc", (int)RouteKind.Referrers, "a", "sha256:abc")]
    [InlineData("/v2/manifests/manifests/x", (int)RouteKind.Manifest, "manifests", "x")]
    [InlineData("/v2/a%2Fb/manifests/x", (int)RouteKind.Manifest, "a%2Fb", "x")]
    [InlineData("/v2/a/../b/manifests/x", (int)RouteKind.Manifest, "a/../b", "x")]
    [InlineData("/v2/a/whatever", (int)RouteKind.NotFound, "", "")]
    [InlineData("/v2/manifests/x", (int)RouteKind.NotFound, "", "")]
    public void Parse_KnownShapes_RecognisesEndpointNameAndReference(string path, int kind, string name, string reference)
    {
        var route = RouteParser.Parse(path);
        Assert.Equal((RouteKind)kind, route.Kind);
        Assert.Equal(name, route.Name);
        Assert.Equal(reference, route.Reference);
    }

    [Theory]
    [InlineData("/v2", true)]
    [InlineData("/v2/x", true)]
    [InlineData("/v23", false)]
    [InlineData("/healthz", false)]
    [InlineData("/", false)]
    public void IsRegistryPath_Prefix_OnlyV2Tree(string path, bool expected) =>
        Assert.Equal(expected, RouteParser.IsRegistryPath(path));
}
