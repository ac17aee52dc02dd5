using EdgeRegistry.Upstream.Routing;

namespace EdgeRegistry.Upstream.Tests.Routing;

public sealed class UpstreamResolverTests
{
    private static readonly UpstreamRegistry Quay = new("quay.io");
    private static readonly UpstreamRegistry Mirror = new("mirror.example:8443");

    [Fact]
    public void Resolve_HostInPath_StripsTheHost()
    {
        var resolver = new UpstreamResolver([Quay], []);
        Assert.Equal([new UpstreamTarget(Quay, "openshift/app")], resolver.Resolve("quay.io/openshift/app"));
        Assert.Empty(resolver.Resolve("quay.io"));
        Assert.Empty(resolver.Resolve("docker.io/library/busybox"));
    }

    [Fact]
    public void Resolve_MirrorPathMappedToSeveralSources_TriesThemInOrder()
    {
        // oc-mirror maps ocp-release and ocp-v4.0-art-dev to one mirror path.
        var resolver = new UpstreamResolver([], [
            new UpstreamRoute("ocp4/openshift", Quay, "openshift-release-dev/ocp-release"),
            new UpstreamRoute("ocp4/openshift", Quay, "openshift-release-dev/ocp-v4.0-art-dev"),
        ]);
        Assert.Equal([
            new UpstreamTarget(Quay, "openshift-release-dev/ocp-release"),
            new UpstreamTarget(Quay, "openshift-release-dev/ocp-v4.0-art-dev"),
        ], resolver.Resolve("ocp4/openshift"));
    }

    [Fact]
    public void Resolve_NestedMirrorPaths_LongestPrefixWinsOnWholeComponents()
    {
        var resolver = new UpstreamResolver([], [
            new UpstreamRoute("team", Mirror, "everything"),
            new UpstreamRoute("team/special", Quay, "special/src"),
        ]);
        Assert.Equal([new UpstreamTarget(Quay, "special/src/app")], resolver.Resolve("team/special/app"));
        Assert.Equal([new UpstreamTarget(Mirror, "everything/specialist")], resolver.Resolve("team/specialist"));
        Assert.Empty(resolver.Resolve("teams/app"));
    }

    [Fact]
    public void Resolve_RootMirror_MapsEveryRepository()
    {
        var resolver = new UpstreamResolver([], [new UpstreamRoute("", Mirror, "")]);
        Assert.Equal([new UpstreamTarget(Mirror, "a/b")], resolver.Resolve("a/b"));
    }
}
