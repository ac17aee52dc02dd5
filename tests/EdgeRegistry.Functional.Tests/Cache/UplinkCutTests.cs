using System.Diagnostics;
using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// The uplink cut (its link taken down) while a pull is crossing it, and after: three nodes in their own network
/// namespaces, the upstream (Distribution) in a fourth behind a veth shaped to 20 Mbit/s, configured through the config
/// file's <c>upstreamRegistries</c> object. The pull in flight fails cleanly — skopeo gets an error within its bound
/// and no node stores or serves any part of the cut blob; everything cached is served and the old tag keeps being
/// served while cut off; once the link returns, the tag moved upstream is followed within the refresh interval and
/// the cut image pulls whole.
/// </summary>
public sealed class UplinkCutTests(ITestOutputHelper output)
{
    private const int TagRefreshSeconds = 2;

    private static readonly GeneratedImage First = TestImages.Image("uplink-cut-first", layerCount: 2, layerBytes: 256 * 1024);
    private static readonly GeneratedImage Second = TestImages.Image("uplink-cut-second", layerCount: 2, layerBytes: 256 * 1024);

    /// <summary>16 MiB of incompressible layer: at 20 Mbit/s about 7 s on the uplink, so the cut lands mid-blob.</summary>
    private static readonly GeneratedImage Big = TestImages.Image("uplink-cut-big", layerCount: 1, layerBytes: 16 << 20);

    /// <summary>
    /// How long a pull whose uplink is cut may take to fail: the 30 s stall bound, then the member and the upstream
    /// refusing the resumption. Below skopeo's own 120 s command timeout, so a hang shows as one.
    /// </summary>
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(100);

    [NetworkNamespaceFact]
    public async Task UplinkCutMidPull_PullFailsCleanlyCacheAndOldTagServedWhileCut_MovedTagFollowedOnceItReturns()
    {
        var (namespaces, unavailable) = await NetworkNamespaces.CreateAsync(hosts: 4, subnet: "10.151.8");
        Assert.True(namespaces is not null, unavailable);
        await using var cleanup = namespaces;
        using var temp = new TempDirectory("cache-uplink-cut");
        await namespaces.ShapeAsync(3, "20mbit");
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            listenHost: namespaces.Addresses[3], launchPrefix: namespaces.LaunchPrefix(3));
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", First);
        await roundTrip.PushAsync(upstream.Host, "src/big", "v1", Big);
        var config = UpstreamFixture.WriteUpstreamConfig(temp, upstream.Host, TagRefreshSeconds, ("cache/app", "src/app"), ("cache/big", "src/big"));
        await using var cluster = ThreeNodeCluster.Create(temp, output, namespaces.Addresses.Take(3).ToList(), FreePort.Next(), namespaces.LaunchPrefix,
            ["--config", config]);
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();
        foreach (var node in cluster.Nodes) await roundTrip.AssertPullsBackAsync(node.Host, "cache/app", "v1", First);

        // The tag moves upstream while no node pulls it, so no node has seen the move when the link goes down.
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", Second);

        // A pull of the big image through A; the link goes down once a few MiB of its layer crossed it.
        long sentBefore = await namespaces.TransmittedBytesAsync(3);
        var pull = new RoundTrip(new Skopeo(temp.Sub("skopeo-cut")), temp).AssertPullsBackAsync(cluster.A.Host, "cache/big", "v1", Big);
        await Eventually.HoldsAsync("4 MiB of the big layer crossing the uplink", TimeSpan.FromSeconds(60), async () =>
        {
            if (pull.IsCompleted) return null; // reported below: it must not have completed
            long sent = await namespaces.TransmittedBytesAsync(3) - sentBefore;
            return sent >= 4 << 20 ? null : $"{sent} bytes sent so far";
        });
        Assert.False(pull.IsCompleted, $"the pull finished before the cut\n{cluster.Logs()}");
        await namespaces.CutAsync(3);
        var cutWatch = Stopwatch.StartNew();

        // The pull in flight fails, within its bound: skopeo either reports the cut or the digest check fails on what it got.
        var failure = await Record.ExceptionAsync(() => pull.WaitAsync(FailureBound));
        Assert.True(failure is not null and not TimeoutException && cutWatch.Elapsed < FailureBound,
            $"the pull in flight {(failure is null ? "succeeded with the uplink cut" : $"took {cutWatch.Elapsed} to fail after the cut")}\n{cluster.Logs()}");
        output.WriteLine($"pull in flight failed {cutWatch.Elapsed} after the cut: {failure!.Message}");

        // Nothing of the cut blob is stored or served, on any node: its layer is absent from every store, GETs of it
        // and of the manifest that needs it are prompt 404s (complete-or-404).
        var layer = Big.Layers[0].Digest;
        foreach (var node in cluster.Nodes)
        {
            Assert.False(File.Exists(new DistributionLayout(node.Root).BlobData(layer)), $"node {node.Name} stored part of the cut layer");
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
            var watch = Stopwatch.StartNew();
            using var blob = await http.GetAsync($"v2/cache/big/blobs/{layer}");
            Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
            using var manifest = await http.GetAsync("v2/cache/big/manifests/v1");
            Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(45), $"node {node.Name} took {watch.Elapsed} to answer two misses while cut off");
        }

        // While cut off: a refresh interval later every node still serves what it cached, the old tag included.
        await Task.Delay(TimeSpan.FromSeconds(TagRefreshSeconds + 0.5));
        foreach (var node in cluster.Nodes) await roundTrip.AssertPullsBackAsync(node.Host, "cache/app", "v1", First);

        // The link returns: the moved tag is followed within the refresh interval (back-off never outlasts it), then served whole.
        await namespaces.HealAsync(3);
        var healed = Stopwatch.StartNew();
        foreach (var node in cluster.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
            await Eventually.HoldsAsync($"node {node.Name} following the moved tag", TimeSpan.FromSeconds(60), async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Head, "v2/cache/app/manifests/v1");
                request.Headers.Accept.ParseAdd(MediaTypes.ImageManifest);
                using var response = await http.SendAsync(request);
                var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : $"status {(int)response.StatusCode}";
                return digest == Second.Manifest.Digest ? null : $"still {digest}";
            });
        }
        var followedAfter = healed.Elapsed;
        output.WriteLine($"moved tag followed on every node {followedAfter} after the link returned");
        // One interval for the check to come due, one for a back-off begun just before the link returned, and room for a loaded machine.
        Assert.True(followedAfter < TimeSpan.FromSeconds(2 * TagRefreshSeconds + 20), $"the moved tag took {followedAfter} to be followed\n{cluster.Logs()}");
        foreach (var node in cluster.Nodes) await roundTrip.AssertPullsBackAsync(node.Host, "cache/app", "v1", Second);
        await roundTrip.AssertPullsBackAsync(cluster.B.Host, "cache/big", "v1", Big);
        foreach (var node in cluster.Nodes) StoreIntegrity.AssertEveryBlobMatchesItsDigest(new DistributionLayout(node.Root));
    }
}
