using EdgeRegistry.Metrics;

namespace EdgeRegistry.Host.Tests.Metrics;

public sealed class RouteClassifierTests
{
    [Theory]
    [InlineData("/v2/", "base")]
    [InlineData("/v2", "base")]
    [InlineData("/v2/_catalog", "catalog")]
    [InlineData("/v2/a/b/c/manifests/latest", "manifest")]
    [InlineData("/v2/blobs/manifests/sha256:abc", "manifest")]
    [InlineData("/v2/a/blobs/sha256:abc", "blob")]
    [InlineData("/v2/a/manifests/x/blobs/sha256:abc", "blob")]
    [InlineData("/v2/a/blobs/uploads/", "upload")]
    [InlineData("/v2/a/blobs/uploads/7d2c-11", "upload")]
    [InlineData("/v2/a/b/tags/list", "tags")]
    [InlineData("/v2/a/referrers/sha256:abc", "referrers")]
    [InlineData("/_edgereg/peer/feed", "peer")]
    [InlineData("/metrics", "other")]
    [InlineData("/v2/a/unknown", "other")]
    public void Classify_Path_Route(string path, string route) =>
        Assert.Equal(route, RouteClassifier.Label(RouteClassifier.Classify(path)));
}
