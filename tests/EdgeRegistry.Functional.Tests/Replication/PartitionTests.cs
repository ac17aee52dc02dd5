using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 4: three nodes in network namespaces joined by veth links; C is cut off (link down)
/// while tags change on A and B, and after the link heals all three converge to the same tags.
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    private const string Repository = "apps/partitioned";

    [NetworkNamespaceFact]
    public async Task NodeCutOffWhileTagsChange_LinkHealed_AllThreeConvergeToSameTags()
    {
        var (namespaces, unavailable) = await NetworkNamespaces.CreateAsync();
        Assert.True(namespaces is not null, unavailable);
        await using var cleanup = namespaces;
        await using var rig = await ReplicationRig.StartInNamespacesAsync(namespaces, output);
        var cluster = rig.Cluster;
        var before = await rig.PushAsync(cluster.A, Repository, "moving", TestImages.Image("part-before"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [before]);

        await namespaces.CutAsync(2);
        var onA = await rig.PushAsync(cluster.A, Repository, "moving", TestImages.Image("part-on-a"));
        var onB = await rig.PushAsync(cluster.B, Repository, "moving", TestImages.Image("part-on-b"));
        var newOnA = await rig.PushAsync(cluster.A, Repository, "new-on-a", TestImages.Image("part-new-a"));
        var newOnB = await rig.PushAsync(cluster.B, Repository, "new-on-b", TestImages.Index("part-new-b"));
        await Task.Delay(TimeSpan.FromSeconds(2)); // A and B exchange feeds while C cannot
        Assert.Null(ReplicaInspector.TagIs(cluster.C.Root, Repository, "moving", before.RootDigest));
        await namespaces.HealAsync(2);

        string? moving = null;
        await Eventually.HoldsAsync("the same tags on all three stores after healing", ReplicationRig.Convergence, () =>
        {
            var digests = cluster.Nodes.Select(n => ReplicaInspector.TagDigest(n.Root, Repository, "moving")).ToList();
            moving = digests[0];
            return digests.Distinct().Count() == 1 && moving != before.RootDigest
                ? null
                : "moving: " + string.Join(", ", cluster.Nodes.Zip(digests, (n, d) => $"{n.Name}={d ?? "absent"}"));
        });
        Assert.Contains(moving, new[] { onA.RootDigest, onB.RootDigest });
        var winner = moving == onA.RootDigest ? onA : onB;
        await rig.AwaitReplicasAsync(cluster.Nodes, [winner, newOnA, newOnB]);
    }
}
