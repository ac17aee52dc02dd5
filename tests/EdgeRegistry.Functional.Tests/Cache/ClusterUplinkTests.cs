using System.Diagnostics;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// Three nodes in their own network namespaces, the upstream (Distribution) in a fourth behind a veth shaped to
/// 20 Mbit/s: a cold pull on all three nodes at once crosses the uplink once — each blob's HEAD (the complete-or-404
/// checks) and GET and the manifest GET once, counted by kind in the upstream's access log; with the uplink cut, every node still serves the image and a miss is a
/// prompt 404. The rig's subnet is this test's own, so it may run beside another namespace rig.
/// </summary>
public sealed class ClusterUplinkTests(ITestOutputHelper output)
{
    private static readonly GeneratedImage Image = TestImages.Image("cluster-uplink", layerCount: 4, layerBytes: 512 * 1024);
    private static readonly GeneratedImage ByDigest = TestImages.Image("cluster-uplink-digest", layerCount: 1);
    private static readonly GeneratedImage OwnerDown = TestImages.Image("cluster-uplink-owner-down", layerCount: 6, layerBytes: 256 * 1024);

    [NetworkNamespaceFact]
    public async Task ColdPullOnThreeNodesAtOnce_CrossesTheUplinkOnceAndServesWhileCutOff()
    {
        var (namespaces, unavailable) = await NetworkNamespaces.CreateAsync(hosts: 4, subnet: "10.151.7");
        Assert.True(namespaces is not null, unavailable);
        await using var cleanup = namespaces;
        using var temp = new TempDirectory("cache-cluster");
        await namespaces.ShapeAsync(3, "20mbit");
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            listenHost: namespaces.Addresses[3], launchPrefix: namespaces.LaunchPrefix(3));
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await roundTrip.PushAsync(upstream.Host, "src/app", "v1", Image);
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"));

        await using var cluster = ThreeNodeCluster.Create(temp, output, namespaces.Addresses.Take(3).ToList(), FreePort.Next(), namespaces.LaunchPrefix,
            ["--mirror-set", mirrorSets, "--upstream-plain-http", upstream.Host, "--upstream-auth-file", temp.File("none.json")]);
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();

        var pull = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Nodes.Select((node, i) =>
            new RoundTrip(new Skopeo(temp.Sub($"skopeo-{node.Name}")), temp).AssertPullsBackAsync(node.Host, "cache/app", "v1", Image)));
        pull.Stop();
        // 2 MiB over 20 Mbit/s is about a second; the bound leaves room for a loaded machine, not for a hang.
        Assert.True(pull.Elapsed < TimeSpan.FromSeconds(60), $"the cold pull on three nodes took {pull.Elapsed}\n{cluster.Logs()}");
        output.WriteLine($"cold pull on three nodes in {pull.Elapsed.TotalSeconds:0.0} s, over the uplink: {UplinkRequests.From(upstream.Output, "src/app")}");
        // Each blob's GET once, and the complete-or-404 checks of all three nodes too: each blob's HEAD asked by the
        // member that owns the digest, once.
        var requests = UplinkRequests.AssertBlobsCrossedOnce(upstream.Output, "src/app", Image, $"{upstream.Output}\n{cluster.Logs()}");
        // The manifest too: the member that owns the tag's fetch asked the upstream, the others read it through from it.
        int manifestGets = requests.Count("GET", "manifests");
        Assert.True(manifestGets == 1, $"{manifestGets} manifest GETs crossed the uplink for one image\n{upstream.Output}\n{cluster.Logs()}");

        // The members' uplink questions are for members only: unsigned, the owner's endpoint refuses (and asks nothing).
        using (var anonymous = new HttpClient { BaseAddress = cluster.A.BaseAddress, Timeout = TestTimeouts.HttpRequest })
        using (var question = new HttpRequestMessage(HttpMethod.Head, $"_edgereg/uplink/v1/cache/app/blobs/{Image.Layers[0].Digest}"))
        using (var refused = await anonymous.SendAsync(question))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // By digest, as CRI-O asks through an ImageDigestMirrorSet: all three nodes at once, one manifest GET over the uplink.
        await roundTrip.PushAsync(upstream.Host, "src/app", "v2", ByDigest);
        var answers = await Task.WhenAll(cluster.Nodes.Select(async node =>
        {
            using var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/cache/app/manifests/{ByDigest.Manifest.Digest}");
            request.Headers.Accept.ParseAdd(MediaTypes.ImageManifest);
            using var response = await client.SendAsync(request);
            return (node.Name, response.StatusCode);
        }));
        Assert.All(answers, a => Assert.True(a.StatusCode == System.Net.HttpStatusCode.OK, $"node {a.Name} answered {(int)a.StatusCode}\n{cluster.Logs()}"));
        string byDigest = $"/v2/src/app/manifests/{ByDigest.Manifest.Digest}";
        await Eventually.HoldsAsync("the upstream logging the GET by digest", TimeSpan.FromSeconds(10),
            () => upstream.Output.Contains(byDigest, StringComparison.Ordinal) ? null : "not logged yet");
        var afterByDigest = UplinkRequests.From(upstream.Output, "src/app");
        int digestGets = afterByDigest.Count("GET", "manifests") - manifestGets;
        Assert.True(digestGets == 1, $"{digestGets} GETs of the manifest by digest crossed the uplink for three nodes\n{upstream.Output}\n{cluster.Logs()}");
        afterByDigest.AssertEachBlobAtMostOnce($"{upstream.Output}\n{cluster.Logs()}");

        // The uplink is cut: every node still serves the image (from its store or a peer's), a miss is a prompt 404.
        await namespaces.CutAsync(3);
        foreach (var node in cluster.Nodes) await roundTrip.AssertPullsBackAsync(node.Host, "cache/app", "v1", Image);
        using var http = new HttpClient { BaseAddress = cluster.A.BaseAddress };
        var watch = Stopwatch.StartNew();
        using var missing = await http.GetAsync("v2/cache/app/manifests/never-pulled");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"a miss with the uplink cut took {watch.Elapsed}");
    }

    /// <summary>
    /// A member cut off (its link down) while the others may still count it reachable: the digests and manifests it
    /// owns are asked of it, the connect times out, and each remaining node asks the upstream itself — so a pull
    /// costs a connect timeout per question, never a hang, and nothing crosses the uplink more than once per node.
    /// </summary>
    [NetworkNamespaceFact]
    public async Task ColdPullWithOwnerCutOff_NodesAskTheUpstreamThemselvesPromptlyAtMostOncePerNode()
    {
        var (namespaces, unavailable) = await NetworkNamespaces.CreateAsync(hosts: 4, subnet: "10.151.8");
        Assert.True(namespaces is not null, unavailable);
        await using var cleanup = namespaces;
        using var temp = new TempDirectory("cache-owner-down");
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output,
            listenHost: namespaces.Addresses[3], launchPrefix: namespaces.LaunchPrefix(3));
        await new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp).PushAsync(upstream.Host, "src/app", "v1", OwnerDown);
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/app", "cache/app"));
        await using var cluster = ThreeNodeCluster.Create(temp, output, namespaces.Addresses.Take(3).ToList(), FreePort.Next(), namespaces.LaunchPrefix,
            ["--mirror-set", mirrorSets, "--upstream-plain-http", upstream.Host, "--upstream-auth-file", temp.File("none.json")]);
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();

        await namespaces.CutAsync(2);
        var pull = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Nodes.Take(2).Select(node =>
            new RoundTrip(new Skopeo(temp.Sub($"skopeo-{node.Name}")), temp).AssertPullsBackAsync(node.Host, "cache/app", "v1", OwnerDown)));
        pull.Stop();

        var requests = UplinkRequests.From(upstream.Output, "src/app");
        output.WriteLine($"cold pull on two nodes, the third cut off, in {pull.Elapsed.TotalSeconds:0.0} s, over the uplink: {requests}");
        // Seven blobs and a manifest, a few questions each to the cut-off member at the 500 ms connect timeout at worst.
        Assert.True(pull.Elapsed < TimeSpan.FromSeconds(60), $"the pull with the owner cut off took {pull.Elapsed}\n{cluster.Logs()}");
        foreach (var (method, kind) in new[] { ("HEAD", "blobs"), ("GET", "blobs"), ("GET", "manifests") })
        {
            int most = requests.MostForOneReference(method, kind);
            Assert.True(most <= 2, $"one of the {kind} was asked {most} times with {method} by two nodes ({requests})\n{upstream.Output}\n{cluster.Logs()}");
        }
    }
}
