using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 1 and 2: a push to one node pulls from the others at once (read-through), the three
/// stores converge to full replicas on disk, and a node whose disk was replaced serves everything at once and
/// becomes a full replica again — with no external mirror.
/// </summary>
public sealed class ReadThroughConvergenceTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PushToOneNode_PullFromTheOthersAtOnce_IdenticalDigestsThenFullReplicasOnDisk()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        ExpectedImage[] images =
        [
            await rig.PushAsync(cluster.A, "apps/multilayer", "v1", TestImages.Image("rt-multilayer", layerCount: 4)),
            await rig.PushAsync(cluster.A, "apps/multiarch", "v1", TestImages.Index("rt-multiarch")),
        ];

        // Never pulled from B or C: only background replication can bring it there.
        var unpulled = await rig.PushAsync(cluster.A, "apps/unpulled", "v1", TestImages.Image("rt-unpulled", layerCount: 2));

        // Immediately: B and C have had little or no time to replicate, so these pulls are (partly) read-through from A.
        await rig.AssertServesAsync(cluster.B, images);
        await rig.AssertServesAsync(cluster.C, images);

        var took = await rig.AwaitReplicasAsync(cluster.Nodes, [.. images, unpulled]);
        output.WriteLine($"all three stores held all three images on disk after {took.TotalSeconds:0.0} s more");
        foreach (var node in cluster.Nodes)
        {
            StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(node);
        }
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task WipedNode_AllRestarted_ServesEveryImageAtOnceAndConvergesToFullReplica()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        ExpectedImage[] images =
        [
            await rig.PushAsync(cluster.A, "apps/wiped-one", "v1", TestImages.Image("wipe-one", layerCount: 3)),
            await rig.PushAsync(cluster.B, "apps/wiped-two", "v2", TestImages.Index("wipe-two")),
        ];
        var unpulled = await rig.PushAsync(cluster.A, "apps/wiped-unpulled", "v1", TestImages.Image("wipe-unpulled"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [.. images, unpulled]);

        await cluster.StopAllAsync();
        cluster.C.Wipe();
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();

        await rig.AssertServesAsync(cluster.C, images);
        var took = await rig.AwaitReplicasAsync([cluster.C], [.. images, unpulled]);
        output.WriteLine($"the wiped node held every image on disk again {took.TotalSeconds:0.0} s after its pulls");
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.C);
    }

    /// <summary>
    /// The bandwidth cap is for background replication; "client read-through is never capped" and replication
    /// "yields to client pulls". So a pull right after a push must not crawl at the cap, even when the node's
    /// background fetch of the same blob started first.
    /// </summary>
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task CappedReplication_PullRightAfterPush_NotSlowedToTheCap()
    {
        const int capBytesPerSecond = 256 * 1024;
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, ["--replication-bandwidth", $"{capBytesPerSecond}"]);
        var cluster = rig.Cluster;
        var generated = TestImages.Image("rt-capped", layerCount: 2, layerBytes: 4 * 1024 * 1024);
        var image = await rig.PushAsync(cluster.A, "apps/capped", "v1", generated);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await rig.Puller.AssertPullsAsync(image.TagReference(cluster.B.Host), image);
        watch.Stop();

        var atTheCap = TimeSpan.FromSeconds((double)generated.Layers.Sum(l => l.Size) / capBytesPerSecond);
        output.WriteLine($"pull from B took {watch.Elapsed.TotalSeconds:0.0} s; at the cap it would take {atTheCap.TotalSeconds:0.0} s");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8),
            $"a client pull from B took {watch.Elapsed.TotalSeconds:0.0} s: it waited on background fetches throttled to {capBytesPerSecond} B/s ({atTheCap.TotalSeconds:0} s for these layers)");
    }

    /// <summary>
    /// Issue 3's cold start: "start all three: every image pulls from C immediately". Started together, the nodes
    /// refuse each other's first polls; a pull must not get 404 just because a peer was down a moment ago.
    /// </summary>
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task ColdStart_PullFromWipedNodeRightAfterAllStart_Served()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var image = await rig.PushAsync(cluster.A, "apps/cold-start", "v1", TestImages.Image("cold-start"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [image]);

        await cluster.StopAllAsync();
        cluster.C.Wipe();
        await cluster.StartAllAsync();

        await rig.AssertServesAsync(cluster.C, [image]);
    }
}
