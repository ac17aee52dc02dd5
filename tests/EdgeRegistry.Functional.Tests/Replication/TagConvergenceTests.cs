using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Tag updates and deletes travel between nodes: concurrent updates of one tag converge to the same digest on
/// all three by one deterministic rule, and a delete reaches every node and stays deleted.
/// </summary>
public sealed class TagConvergenceTests(ITestOutputHelper output)
{
    private const string Repository = "apps/tagged";

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task SameTagChangedOnTwoNodesAtOnce_AllThreeConvergeToOneDigest()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var first = TestImages.Image("tag-race-a");
        var second = TestImages.Image("tag-race-b");

        await Task.WhenAll(
            rig.PushAsync(cluster.A, Repository, "latest", first),
            rig.PushAsync(cluster.B, Repository, "latest", second));

        string? winner = null;
        await Eventually.HoldsAsync("one digest for apps/tagged:latest on all three stores", ReplicationRig.Convergence, () =>
        {
            var digests = cluster.Nodes.Select(n => ReplicaInspector.TagDigest(n.Root, Repository, "latest")).ToList();
            winner = digests[0];
            return digests.Distinct().Count() == 1 && winner is not null
                ? null
                : string.Join(", ", cluster.Nodes.Zip(digests, (n, d) => $"{n.Name}={d ?? "absent"}"));
        });
        Assert.Contains(winner, new[] { first.Manifest.Digest, second.Manifest.Digest });
        var image = winner == first.Manifest.Digest ? ExpectedImage.Of(Repository, "latest", first) : ExpectedImage.Of(Repository, "latest", second);
        await rig.AwaitReplicasAsync(cluster.Nodes, [image]);
        foreach (var node in cluster.Nodes)
        {
            await rig.Puller.AssertPullsAsync(image.TagReference(node.Host), image);
        }
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task TagDeletedOnOneNode_ReachesTheOthersAndStaysDeletedAcrossRestarts()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var kept = await rig.PushAsync(cluster.A, Repository, "kept", TestImages.Image("tag-kept"));
        var doomed = await rig.PushAsync(cluster.A, Repository, "doomed", TestImages.Image("tag-doomed"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [kept, doomed]);

        using (var client = new HttpClient { BaseAddress = cluster.B.BaseAddress, Timeout = TestTimeouts.HttpRequest })
        {
            using var delete = await client.DeleteAsync($"/v2/{Repository}/manifests/doomed");
            Assert.True(delete.StatusCode == HttpStatusCode.Accepted, $"DELETE tag on B answered {(int)delete.StatusCode}: {await delete.Content.ReadAsStringAsync()}");
        }

        await AwaitDeletedEverywhereAsync(cluster);
        // Restarts give every node a new feed epoch, so each re-reads its peers' whole inventories: the moment an
        // old copy of the tag could come back.
        await cluster.StopAllAsync();
        await cluster.StartAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // several feed polls: a resurrection would need one
        foreach (var node in cluster.Nodes)
        {
            Assert.Null(ReplicaInspector.TagIs(node.Root, Repository, "doomed", null));
            using var http = node.Http();
            using var response = await http.GetManifestAsync(Repository, "doomed");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"node {node.Name} serves the deleted tag again: {(int)response.StatusCode}");
        }

        await rig.AwaitReplicasAsync(cluster.Nodes, [kept]);
    }

    private static Task AwaitDeletedEverywhereAsync(ThreeNodeCluster cluster) =>
        Eventually.HoldsAsync("the tag delete on every store", ReplicationRig.Convergence, async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                if (ReplicaInspector.TagIs(node.Root, Repository, "doomed", null) is { } problem)
                {
                    return $"node {node.Name}: {problem}";
                }

                using var http = node.Http();
                using var response = await http.GetManifestAsync(Repository, "doomed");
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return $"node {node.Name} still answers {(int)response.StatusCode} for the deleted tag";
                }
            }

            return null;
        });
}
