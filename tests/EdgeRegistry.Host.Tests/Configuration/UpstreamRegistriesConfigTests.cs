using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;

namespace EdgeRegistry.Host.Tests.Configuration;

/// <summary>The config file's <c>upstreamRegistries</c>: one object per upstream, each with its own settings, checked with sentence errors.</summary>
public sealed class UpstreamRegistriesConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult ResolveFile(string json, CommandLineSettings? commandLine = null)
    {
        var config = _temp.WriteFile("config.json", json);
        return ServeSettingsResolver.Resolve((commandLine ?? new CommandLineSettings()) with { Root = _temp.File("root"), Config = config }, _ => null);
    }

    /// <summary>A CA certificate as a site's own registry would have one (generated, PEM).</summary>
    private static string SelfSignedPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=site-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public void Resolve_SeveralUpstreamObjects_EachGetsItsOwnSettingsOverTheGlobalOnes()
    {
        var ca = _temp.WriteFile("site-ca.pem", SelfSignedPem());
        var idms = _temp.WriteFile("idms.yaml", """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: release}
            spec:
              imageDigestMirrors:
              - source: quay.io/openshift-release-dev/ocp-release
                mirrors: [localhost:5000/ocp4/openshift]
            """);
        var settings = ResolveFile($$"""
            {
              "mirrorSets": ["{{idms}}"],
              "upstreamBytesPerSecond": 1000000,
              "tagRefreshSeconds": 600,
              "upstreamRegistries": [
                { "name": "quay.io", "url": "https://quay-proxy.site.example:8443", "caFile": "{{ca}}",
                  "credentials": "quay.io/openshift-release-dev", "bytesPerSecond": 2500000, "tagRefreshSeconds": 60 },
                { "name": "mirror.local:8080", "plainHttp": true, "repositories": [{ "local": "team/app", "remote": "apps/app" }, { "local": "tools" }] },
                { "name": "registry.redhat.io", "hostInPath": true, "tlsVerify": false },
              ],
            }
            """).Settings!;

        var (options, problem) = UpstreamSetup.Resolve(settings);

        Assert.Null(problem);
        var quay = Assert.Single(options!.Registries(), static r => r.Host == "quay.io");
        Assert.Equal(new Uri("https://quay-proxy.site.example:8443/"), quay.BaseAddress);
        Assert.Equal(ca, quay.CaFile);
        Assert.Equal("quay.io/openshift-release-dev", quay.CredentialsKey);
        Assert.Equal(2_500_000, quay.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(60), quay.TagRefresh);
        Assert.True(quay.TlsVerify);

        var mirror = Assert.Single(options.Registries(), static r => r.Host == "mirror.local:8080");
        Assert.Equal(new Uri("http://mirror.local:8080/"), mirror.BaseAddress);
        Assert.Equal(1_000_000, mirror.BytesPerSecond); // the global cap where it sets none
        Assert.Null(mirror.TagRefresh);                  // the global interval
        Assert.Equal(TimeSpan.FromSeconds(600), options.TagRefresh);

        var redhat = Assert.Single(options.HostInPath);
        Assert.Equal("registry.redhat.io", redhat.Host);
        Assert.False(redhat.TlsVerify);

        Assert.Equal(
            [("ocp4/openshift", "quay.io", "openshift-release-dev/ocp-release"), ("team/app", "mirror.local:8080", "apps/app"), ("tools", "mirror.local:8080", "tools")],
            options.Routes.Select(static r => (r.LocalPrefix, r.Registry.Host, r.RemotePrefix)));
        // One set of options per registry, however it is named: the mirror set's route shares the object's.
        Assert.Same(quay, options.Routes[0].Registry);
    }

    [Fact]
    public void Resolve_BadUpstreamObjects_OneSentenceEachNamingTheEntryAndKey()
    {
        var result = ResolveFile($$"""
            {
              "upstreamRegistries": [
                { "name": "quay.io", "tagRefreshSeconds": 0, "bytesPerSecond": -1, "hostInPath": "yes", "colour": "blue" },
                { "name": "mirror.local:8080", "url": "http://mirror.local:8080" },
                { "name": "mirror2.local", "url": "https://mirror2.local/v2/", "caFile": "{{_temp.File("absent.pem")}}" },
                { "name": "mirror3.local", "plainHttp": true, "tlsVerify": false },
                { "name": "mirror4.local:5000", "hostInPath": true, "credentials": "" },
                { "url": "https://nameless.example" },
                { "name": "https://quay.io" },
                { "name": "QUAY.io" },
                "quay.io",
                { "name": "mirror5.local", "caFile": "" },
              ],
            }
            """);

        Assert.Null(result.Settings);
        string At(int index, string name) => $"{_temp.File("config.json")}: upstreamRegistries[{index}] \"{name}\": ";
        Assert.Contains(result.Errors, e => e.StartsWith(At(0, "quay.io") + "\"tagRefreshSeconds\": expected a whole number of seconds from 1 to 86400", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith(At(0, "quay.io") + "\"bytesPerSecond\": expected a whole number of bytes per second", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e == At(0, "quay.io") + "\"hostInPath\": expected true or false");
        Assert.Contains(result.Errors, e => e.Contains("upstreamRegistries[0]: unknown key \"colour\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e == At(1, "mirror.local:8080") + "\"url\" \"http://mirror.local:8080\" is plain HTTP: set \"plainHttp\": true to opt in");
        Assert.Contains(result.Errors, e => e.StartsWith(At(2, "mirror2.local") + "\"url\" \"https://mirror2.local/v2/\": expected scheme, host and port only", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith(At(2, "mirror2.local") + "\"caFile\"", StringComparison.Ordinal) && e.EndsWith("file not found", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith(At(3, "mirror3.local") + "\"plainHttp\" is true, so there is no TLS", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith(At(4, "mirror4.local:5000") + "\"hostInPath\": a repository name cannot hold a port", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith(At(4, "mirror4.local:5000") + "\"credentials\": expected the auth file's entry", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.EndsWith("upstreamRegistries[5]: \"name\" is missing: the registry as mirror sets name it, HOST[:PORT]", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e == At(6, "https://quay.io") + "\"name\": expected HOST[:PORT]");
        Assert.Contains(result.Errors, e => e.EndsWith("upstreamRegistries[8]: expected an object with at least \"name\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e == At(9, "mirror5.local") + "\"caFile\" \"\": expected the path of a PEM CA bundle");
    }

    [Fact]
    public void Resolve_UpstreamObjectListedTwice_RefusedByName()
    {
        var result = ResolveFile("""
            { "upstreamRegistries": [ { "name": "quay.io", "hostInPath": true }, { "name": "QUAY.IO", "hostInPath": true } ] }
            """);

        Assert.Null(result.Settings);
        Assert.Contains(result.Errors, e => e.EndsWith("upstreamRegistries[1] \"quay.io\": this registry is listed twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_UpstreamObjectNothingMapsTo_StopsStartUpSayingHowToUseIt()
    {
        var settings = ResolveFile("""{ "upstreamRegistries": [ { "name": "quay.io", "bytesPerSecond": 1000 } ] }""").Settings!;

        var (options, problem) = UpstreamSetup.Resolve(settings);

        Assert.Null(options);
        Assert.EndsWith("upstreamRegistries[0] \"quay.io\": no repository maps to it: set \"hostInPath\": true, list \"repositories\", " +
            "or name it as a source in a --mirror-set file", problem);
    }

    [Fact]
    public void Resolve_FlagsAndObjects_FlagsAddToTheObjectOfTheSameRegistry()
    {
        var settings = ResolveFile("""{ "upstreamRegistries": [ { "name": "quay.io", "tagRefreshSeconds": 30 } ] }""",
            new CommandLineSettings { Upstreams = ["quay.io"], UpstreamBandwidth = "5000" }).Settings!;

        var (options, problem) = UpstreamSetup.Resolve(settings);

        Assert.Null(problem);
        var quay = Assert.Single(options!.HostInPath);
        Assert.Equal(TimeSpan.FromSeconds(30), quay.TagRefresh);
        Assert.Equal(5000, quay.BytesPerSecond);
    }
}
