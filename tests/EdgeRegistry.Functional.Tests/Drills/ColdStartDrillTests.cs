using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// Issue 16's cold start, end to end as a site lives it: three nodes, each in its own network namespace with its own
/// localhost:5000, and CRI-O's registries.conf on every node (source blocked; localhost first, then the three nodes).
/// A push to one node; a power cut of all three (SIGKILL); one disk replaced; all start together, and podman — the
/// CRI-O stand-in, in the wiped node's namespace with a storage root of its own — pulls the release by digest at
/// once. Then a partition: one side moves a tag and deletes another while the third node is cut off; after the heal
/// the moved tag reaches every node and the deleted tag never comes back, not even across a further power cut.
/// (ReadThroughConvergenceTests.ColdStart_* is the loopback, skopeo-only version of the first half.)
/// </summary>
public sealed class ColdStartDrillTests(ITestOutputHelper output)
{
    private const string Repository = "ocp/release";

    [NetworkNamespaceFact]
    public async Task PowerCutWipeAndColdStart_PodmanPullsByDigestAtOnce_ThenPartitionRetagAndHealReachEveryNode()
    {
        var (namespaces, unavailable) = await NetworkNamespaces.CreateAsync(subnet: NetworkNamespaces.RandomSubnet());
        Assert.True(namespaces is not null, unavailable);
        await using var cleanup = namespaces;
        await using var rig = await ReplicationRig.StartInNamespacesAsync(namespaces, output);
        var cluster = rig.Cluster;
        var conf = MirrorRegistriesConf.Write(rig.Temp.Combine("registries.conf"),
            ["localhost:5000", .. cluster.Nodes.Select(n => n.Host)]);
        var release = await rig.PushAsync(cluster.A, Repository, "4.18", TestImages.Index("drill-release"));
        var doomed = await rig.PushAsync(cluster.A, Repository, "doomed", TestImages.Image("drill-doomed"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [release, doomed]);

        // The power cut: nobody shuts down cleanly, and C comes back with a new, empty disk.
        await Task.WhenAll(cluster.Nodes.Select(n => n.KillAsync()));
        cluster.C.Wipe();
        await cluster.StartAllAsync();

        // At once: no waiting for the peers to see each other, as CRI-O would not wait either.
        var podman = new Infrastructure.Clients.Podman(rig.Temp.Sub("podman-c"), conf, cluster.C.LaunchPrefix);
        var byDigest = $"{MirrorRegistriesConf.Source}/{Repository}@{release.RootDigest}";
        var pull = await podman.PullAsync(byDigest);
        Assert.True(pull.Succeeded, $"podman on the wiped node could not pull {byDigest}: {pull.Describe()}\n{cluster.Logs()}");
        var recorded = (await podman.ImageDigestAsync(byDigest)).EnsureSuccess().StandardOutput.Trim();
        Assert.Contains(recorded, release.ManifestDigests); // the index, or the amd64 child it took from it
        await rig.AwaitReplicasAsync(cluster.Nodes, [release, doomed]);

        // The partition: C is cut off while A moves the release tag and deletes another.
        await namespaces.CutAsync(2);
        var moved = await rig.PushAsync(cluster.A, Repository, "4.18", TestImages.Index("drill-release-z1"));
        await DeleteTagOnNodeAsync(cluster.A, Repository, "doomed");
        await Task.Delay(TimeSpan.FromSeconds(2)); // A and B exchange feeds while C cannot
        Assert.Null(ReplicaInspector.TagIs(cluster.C.Root, Repository, "4.18", release.RootDigest));
        Assert.Null(ReplicaInspector.TagIs(cluster.C.Root, Repository, "doomed", doomed.RootDigest));
        await namespaces.HealAsync(2);

        await rig.AwaitReplicasAsync(cluster.Nodes, [moved]);
        await AwaitTagGoneEverywhereAsync(cluster, "doomed");

        // The deleted tag never comes back: not after several polls, not after another power cut of all three
        // (every node then re-reads its peers' whole inventories, C's old view of the tag among them).
        await Task.WhenAll(cluster.Nodes.Select(n => n.KillAsync()));
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await AwaitTagGoneEverywhereAsync(cluster, "doomed");
        foreach (var node in cluster.Nodes)
        {
            Assert.Null(ReplicaInspector.TagIs(node.Root, Repository, "4.18", moved.RootDigest));
        }

        var moveSeen = new Infrastructure.Clients.Podman(rig.Temp.Sub("podman-c-tag"), conf, cluster.C.LaunchPrefix);
        var byTag = $"{MirrorRegistriesConf.Source}/{Repository}:4.18";
        (await moveSeen.PullAsync(byTag)).EnsureSuccess();
        var child = (await moveSeen.ImageDigestAsync(byTag)).EnsureSuccess().StandardOutput.Trim();
        Assert.Contains(child, moved.ManifestDigests);
    }

    /// <summary>DELETE of a tag from the node itself: deletes, like pushes, are anonymous from loopback only.</summary>
    private static async Task DeleteTagOnNodeAsync(ClusterNode node, string repository, string tag)
    {
        var prefix = node.LaunchPrefix;
        var result = await ProcessRunner.RunAsync(prefix[0],
            [.. prefix.Skip(1), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
                $"http://{node.LocalHost}/v2/{repository}/manifests/{tag}"],
            TestTimeouts.ShortCommand);
        result.EnsureSuccess();
        Assert.True(result.StandardOutput.Trim() == "202", $"DELETE {repository}:{tag} on node {node.Name} answered {result.StandardOutput.Trim()}");
    }

    private static Task AwaitTagGoneEverywhereAsync(ThreeNodeCluster cluster, string tag) =>
        Eventually.HoldsAsync($"{Repository}:{tag} deleted on every node", ReplicationRig.Convergence, async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                if (ReplicaInspector.TagIs(node.Root, Repository, tag, null) is { } problem)
                {
                    return $"node {node.Name}: {problem}";
                }

                using var http = node.Http();
                using var response = await http.GetManifestAsync(Repository, tag);
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return $"node {node.Name} answers {(int)response.StatusCode} for the deleted tag";
                }
            }

            return null;
        });
}
