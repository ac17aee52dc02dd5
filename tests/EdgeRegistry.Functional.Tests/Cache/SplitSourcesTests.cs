using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// Complete-or-404 across sources: an image whose blobs are split between a peer (a layer pushed there, which the
/// upstream no longer holds) and the upstream (the rest) is complete only over the union of the sources — neither
/// alone can serve it, together they can, so every node answers it and serves all its blobs. An image with a blob
/// neither source holds stays a 404.
/// </summary>
public sealed class SplitSourcesTests(ITestOutputHelper output)
{
    /// <summary>The layer only the peer has: 1 MiB, so the throttled background copy cannot bring it to the others during the test.</summary>
    private static readonly (OciBlob Layer, string DiffId) PeerLayer = TestImages.Layer("split-peer", 0, 1 << 20);
    private static readonly (OciBlob Layer, string DiffId) UpstreamLayer = TestImages.Layer("split-upstream", 0);
    private static readonly (OciBlob Layer, string DiffId) LostLayer = TestImages.Layer("split-lost", 0);

    /// <summary>Pushed to node B only: how the peer comes to hold <see cref="PeerLayer"/>.</summary>
    private static readonly GeneratedImage OnPeer = TestImages.FromLayers("amd64", [PeerLayer]);

    /// <summary>At the upstream, which then loses <see cref="PeerLayer"/>: the upstream layer and config there, the other layer on the peer.</summary>
    private static readonly GeneratedImage Split = TestImages.FromLayers("amd64", [UpstreamLayer, PeerLayer]);

    /// <summary>At the upstream, which then loses <see cref="LostLayer"/>: no source holds it.</summary>
    private static readonly GeneratedImage Broken = TestImages.FromLayers("amd64", [UpstreamLayer, LostLayer]);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Manifest_BlobsSplitBetweenPeerAndUpstream_CompleteOverTheUnionAndServedWhole()
    {
        using var temp = new TempDirectory("cache-split");
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output);
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "split", Split);
        await roundTrip.PushAsync(upstream.Host, "src/app", "broken", Broken);
        using (var http = new HttpClient { BaseAddress = upstream.BaseAddress, Timeout = TestTimeouts.HttpRequest })
        {
            foreach (var lost in new[] { PeerLayer.Layer.Digest, LostLayer.Layer.Digest })
            {
                using var deleted = await http.DeleteAsync($"v2/src/app/blobs/{lost}");
                Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
                using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/src/app/blobs/{lost}"));
                Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
            }
        }
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"));
        // Background replication crawls (1 kB/s), so the peer's layer stays on the peer alone; client pulls are never capped.
        await using var cluster = ThreeNodeCluster.OnLoopback(temp, output,
            ["--mirror-set", mirrorSets, "--upstream-plain-http", upstream.Host, "--upstream-auth-file", temp.File("none.json"),
             "--replication-bandwidth", "1000"]);
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();
        await roundTrip.PushAsync(cluster.B.Host, "cache/app", "peer", OnPeer);

        // A and C learn that B holds the layer (the pushed image is complete through B for them), without holding it
        // themselves: a HEAD of the blob would start an uncapped copy, the manifest does not.
        foreach (var node in new[] { cluster.A, cluster.C })
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
            await Eventually.HoldsAsync($"node {node.Name} serving the image pushed to B", TimeSpan.FromSeconds(60), async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "v2/cache/app/manifests/peer");
                request.Headers.Accept.ParseAdd(MediaTypes.ImageManifest);
                using var response = await http.SendAsync(request);
                return response.StatusCode == HttpStatusCode.OK ? null : $"status {(int)response.StatusCode}";
            });
        }

        // Neither the peers (no config, no upstream layer) nor the upstream (no peer layer) can serve it alone.
        foreach (var node in new[] { cluster.A, cluster.C })
        {
            Assert.False(File.Exists(new DistributionLayout(node.Root).BlobData(PeerLayer.Layer.Digest)),
                $"node {node.Name} already copied the peer's layer: the pull would not need the union");
            await roundTrip.AssertPullsBackAsync(node.Host, "cache/app", "split", Split);
        }

        // A blob no source holds: still 404 on every node, not a manifest whose blob fails later.
        foreach (var node in cluster.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
            using var broken = await http.GetAsync("v2/cache/app/manifests/broken");
            Assert.True(broken.StatusCode == HttpStatusCode.NotFound, $"node {node.Name} answered {(int)broken.StatusCode} for an image missing a blob\n{cluster.Logs()}");
        }
    }
}
