using System.Diagnostics;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// The pull-through cache against Debian's CNCF Distribution 2.8.2 as the upstream, configured from mirror sets the
/// way a cluster is: plain HTTP first, then behind TLS with a CA the test generated and htpasswd (Basic) auth.
/// </summary>
public sealed class PullThroughTests(ITestOutputHelper output)
{
    private static readonly GeneratedImage First = TestImages.Image("cache-first", layerCount: 3);
    private static readonly GeneratedImage Second = TestImages.Image("cache-second", layerCount: 2);
    private static readonly GeneratedImage Pushed = TestImages.Image("cache-pushed", layerCount: 1);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Pull_ThroughMirrorSet_FetchesEachBlobOnceFollowsMovedTagAndServesItWhileUpstreamIsDown()
    {
        using var temp = new TempDirectory("cache-plain");
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", First);
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"));
        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            ExtraArguments = ["--mirror-set", mirrorSets, "--upstream-plain-http", upstream.Host, "--upstream-auth-file", temp.File("none.json"),
                "--tag-refresh", "1"],
        }, output);

        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", First);
        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", First);
        UplinkRequests.AssertBlobsCrossedOnce(upstream.Output, "src/app", First, upstream.Output);

        // skopeo and podman asking for the source itself, which their registries.conf blocks: served through the cache.
        var conf = UpstreamFixture.WriteBlockedSourceConf(temp, $"{upstream.Host}/src/app", $"{edgereg.Host}/cache/app");
        await new RoundTrip(new Skopeo(temp.Sub("skopeo-conf"), conf), temp).AssertPullsBackAsync(upstream.Host, "src/app", "v1", First);
        var podman = new Infrastructure.Clients.Podman(temp.Sub("podman"), conf);
        (await podman.PullAsync($"{upstream.Host}/src/app:v1")).EnsureSuccess();
        Assert.Equal(First.Manifest.Digest, (await podman.ImageDigestAsync($"{upstream.Host}/src/app:v1")).EnsureSuccess().StandardOutput.Trim());
        UplinkRequests.AssertBlobsCrossedOnce(upstream.Output, "src/app", First, upstream.Output);

        // The tag moves upstream: followed once the refresh interval has passed.
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", Second);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", Second);

        // Pushes beside cached content keep working.
        await roundTrip.PushAsync(edgereg.Host, "cache/app", "local", Pushed);

        // The uplink is gone: the cached tag is served for as long as that lasts, and a miss is a prompt 404.
        await upstream.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", Second);
        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "local", Pushed);
        using var http = new HttpClient { BaseAddress = edgereg.BaseAddress };
        var watch = Stopwatch.StartNew();
        using var missing = await http.GetAsync("v2/cache/app/manifests/never-pulled");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"a miss while the upstream is down took {watch.Elapsed}");

        var metrics = await http.GetStringAsync("metrics");
        Assert.Contains("edgereg_content_hits_total{source=\"upstream\"}", metrics);
        Assert.Contains($"edgereg_uplink_bytes_total{{upstream=\"{upstream.Host}\"}}", metrics);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Pull_TlsUpstreamWithBasicAuth_PullsWithPullSecretAndAnswers404ForRefusedCredential()
    {
        using var temp = new TempDirectory("cache-basic");
        var certificates = await TestCertificates.CreateAsync(temp.Sub("tls"));
        var htpasswd = temp.File("htpasswd");
        (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, "puller", "right-password"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            new DistributionSecurity(certificates.CertificateFile, certificates.KeyFile) { HtpasswdFile = htpasswd });
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", First, credentials: "puller:right-password");
        await roundTrip.PushAsync(upstream.Host, "src/denied", "v1", Second, credentials: "puller:right-password");
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"), ($"{upstream.Host}/src/denied", "cache/denied"));
        // The most specific key wins: the denied repository gets a wrong password.
        var authFile = UpstreamFixture.WriteAuthFile(temp, (upstream.Host, "puller", "right-password"), ($"{upstream.Host}/src/denied", "puller", "wrong"));
        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            ExtraArguments = ["--mirror-set", mirrorSets, "--upstream-ca-file", certificates.CaFile, "--upstream-auth-file", authFile],
        }, output);

        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", First);

        using var http = new HttpClient { BaseAddress = edgereg.BaseAddress };
        var watch = Stopwatch.StartNew();
        using var refused = await http.GetAsync("v2/cache/denied/manifests/v1");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"a refused credential took {watch.Elapsed}");
        await Eventually.HoldsAsync("the refused credential is logged", TimeSpan.FromSeconds(5),
            () => edgereg.Output.Contains("refused access to src/denied as puller", StringComparison.Ordinal) ? null : "no log line naming it");
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Pull_TlsUpstreamWithTokenAuth_TakesBearerTokenOnceAndCachesIt()
    {
        using var temp = new TempDirectory("cache-bearer");
        var certificates = await TestCertificates.CreateAsync(temp.Sub("tls"));
        await using var issuer = await TokenIssuer.StartAsync(temp.Sub("token"), "puller", "token-password");
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            new DistributionSecurity(certificates.CertificateFile, certificates.KeyFile)
            {
                Token = (issuer.Realm, TokenIssuer.Service, TokenIssuer.Issuer, issuer.CertificateFile),
            });
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", First, credentials: "puller:token-password");
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"));
        var authFile = UpstreamFixture.WriteAuthFile(temp, (upstream.Host, "puller", "token-password"));
        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            ExtraArguments = ["--mirror-set", mirrorSets, "--upstream-ca-file", certificates.CaFile, "--upstream-auth-file", authFile],
        }, output);
        int issuedBefore = issuer.Issued;

        await roundTrip.AssertPullsBackAsync(edgereg.Host, "cache/app", "v1", First);

        // One scope (repository:src/app:pull) for the manifest and every blob: one token, cached until it expires.
        Assert.Equal(1, issuer.Issued - issuedBefore);
        UplinkRequests.AssertBlobsCrossedOnce(upstream.Output, "src/app", First, upstream.Output);
    }
}
