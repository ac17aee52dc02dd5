using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Configuration;

public sealed class UpstreamSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult Resolve(CommandLineSettings commandLine, Dictionary<string, string>? environment = null) =>
        ServeSettingsResolver.Resolve(commandLine with { Root = _temp.File("root") }, name => environment?.GetValueOrDefault(name));

    [Fact]
    public void Resolve_BadUpstreamValues_OneLineEachNamingTheSource()
    {
        var result = Resolve(new CommandLineSettings
        {
            Upstreams = ["quay.io:443", "https://quay.io", "quay.io", "QUAY.io"],
            MirrorSets = [_temp.File("absent.yaml")],
            UpstreamCaFile = _temp.WriteFile("empty.pem", "no certificate here"),
            TagRefresh = "0",
        }, new Dictionary<string, string> { ["EDGEREG_UPSTREAM_PLAIN_HTTP"] = "mirror.local:99999" });

        Assert.Null(result.Settings);
        Assert.Contains(result.Errors, e => e.StartsWith("--upstream \"quay.io:443\": a repository name cannot hold a port", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("--upstream \"https://quay.io\": expected HOST without a scheme", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e == "--upstream \"QUAY.io\": listed twice");
        Assert.Contains(result.Errors, e => e.StartsWith("--mirror-set \"", StringComparison.Ordinal) && e.EndsWith("file not found", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("--upstream-ca-file \"", StringComparison.Ordinal) && e.EndsWith("holds no PEM certificate", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("--tag-refresh \"0\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("EDGEREG_UPSTREAM_PLAIN_HTTP \"mirror.local:99999\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_MirrorSetsAndUpstream_InvertedIntoRoutesWithPerUpstreamOptions()
    {
        var idms = _temp.WriteFile("idms.yaml", """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: release}
            spec:
              imageDigestMirrors:
              - source: quay.io/openshift-release-dev/ocp-release
                mirrors: [localhost:5000/ocp4/openshift]
              - source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
                mirrors: [localhost:5000/ocp4/openshift]
              - source: mirror.local:8443/team
                mirrors: [localhost:5000/team]
            """);
        var settings = Resolve(new CommandLineSettings
        {
            Upstreams = ["registry.redhat.io"],
            MirrorSets = [idms],
            UpstreamPlainHttp = ["mirror.local:8443"],
            UpstreamBandwidth = "2500000",
        }).Settings!;

        var (options, problem) = UpstreamSetup.Resolve(settings);

        Assert.Null(problem);
        Assert.Equal(ServeSettings.DefaultUpstreamAuthFile, options!.AuthFile);
        Assert.Equal(TimeSpan.FromMinutes(3), options.TagRefresh);
        Assert.Equal("registry.redhat.io", Assert.Single(options.HostInPath).Host);
        Assert.Equal(
            [("ocp4/openshift", "quay.io", "openshift-release-dev/ocp-release", false), ("ocp4/openshift", "quay.io", "openshift-release-dev/ocp-v4.0-art-dev", false),
             ("team", "mirror.local:8443", "team", true)],
            options.Routes.Select(static r => (r.LocalPrefix, r.Registry.Host, r.RemotePrefix, r.Registry.PlainHttp)));
        Assert.All(options.Registries(), static r => Assert.Equal(2_500_000, r.BytesPerSecond));
    }

    [Fact]
    public void Resolve_NoUpstream_NoCache()
    {
        var settings = Resolve(new CommandLineSettings()).Settings!;
        Assert.Equal((null, null), UpstreamSetup.Resolve(settings));
    }
}
