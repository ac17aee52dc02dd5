using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// One upstream configured as a config-file object with settings of its own: a name clients use that is not where it
/// is reached (<c>url</c>), a CA trusted for it alone (<c>caFile</c>, no global one), and a named entry of the pull
/// secret (<c>credentials</c>) instead of the most specific key, which holds a wrong password here. Distribution
/// 2.8.2 behind TLS and htpasswd is the upstream.
/// </summary>
public sealed class UpstreamRegistryObjectTests(ITestOutputHelper output)
{
    private static readonly GeneratedImage Image = TestImages.Image("cache-object", layerCount: 2);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Pull_UpstreamObjectWithOwnUrlCaAndCredentialsEntry_PullsThroughWithThem()
    {
        using var temp = new TempDirectory("cache-object");
        var certificates = await TestCertificates.CreateAsync(temp.Sub("tls"));
        var htpasswd = temp.File("htpasswd");
        (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, "robot", "right-password"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            new DistributionSecurity(certificates.CertificateFile, certificates.KeyFile) { HtpasswdFile = htpasswd });
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", Image, credentials: "robot:right-password");
        // The most specific key for registry.example/src/app is "registry.example", with the wrong password: only the named entry works.
        var authFile = UpstreamFixture.WriteAuthFile(temp, ("registry.example", "robot", "wrong"), ("registry.example/robot", "robot", "right-password"));
        var config = temp.WriteFile("edgereg-object.json", $$"""
            {
              "upstreamAuthFile": "{{authFile}}",
              "upstreamRegistries": [
                { "name": "registry.example", "url": "https://{{upstream.Host}}", "caFile": "{{certificates.CaFile}}",
                  "credentials": "registry.example/robot", "repositories": [{ "local": "cache/app", "remote": "src/app" }] },
              ],
            }
            """);
        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")) { ExtraArguments = ["--config", config] }, output);

        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", Image);

        UplinkRequests.AssertBlobsCrossedOnce(upstream.Output, "src/app", Image, upstream.Output);
        Assert.DoesNotContain("refused access", edgereg.Output, StringComparison.Ordinal);
    }
}
