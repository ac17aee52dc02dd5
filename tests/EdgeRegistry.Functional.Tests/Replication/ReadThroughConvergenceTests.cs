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

        // Immediately: B and C have had no time to replicate, so these pulls are read-through from A.
        await rig.AssertServesAsync(cluster.B, images);
        await rig.AssertServesAsync(cluster.C, images);

        var took = await rig.AwaitReplicasAsync(cluster.Nodes, images);
        output.WriteLine($"all three stores held both images on disk after {took.TotalSeconds:0.0} s");
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
        await rig.AwaitReplicasAsync(cluster.Nodes, images);

        await cluster.StopAllAsync();
        cluster.C.Wipe();
        await cluster.StartAllAsync();

        await rig.AssertServesAsync(cluster.C, images);
        var took = await rig.AwaitReplicasAsync([cluster.C], images);
        output.WriteLine($"the wiped node held every image on disk again {took.TotalSeconds:0.0} s after its pulls");
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.C);
    }
}
