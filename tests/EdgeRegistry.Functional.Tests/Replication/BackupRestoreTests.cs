using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// docs/operations.md's "Backups and restore", done as written with GNU tar: a backup of a serving node's store,
/// the store lost, the backup restored. The node serves every image it had, catches up on what was pushed since,
/// and a tag deleted after the backup (within the tombstone window) stays deleted everywhere.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private const string Repository = "site/backed-up";

    /// <summary>What the docs' tar command archives, in its order: the replication versions, then the repositories, then the blobs.</summary>
    internal static readonly string[] BackedUp = [".edgereg/versions", "docker/registry/v2/repositories", "docker/registry/v2/blobs"];

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task BackupOfServingNode_StoreWipedAndRestored_ServesEverythingConvergesDeletedTagStaysDeleted()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var kept = await rig.PushAsync(cluster.A, Repository, "kept", TestImages.Image("backup-kept"));
        var index = await rig.PushAsync(cluster.A, Repository, "multi", TestImages.Index("backup-index", 2));
        var doomed = await rig.PushAsync(cluster.A, Repository, "doomed", TestImages.Image("backup-doomed"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [kept, index, doomed]);

        // The backup is taken while B serves, as the docs allow.
        var backup = rig.Temp.Combine("edgereg-backup.tar");
        (await ProcessRunner.RunAsync("tar", ["-C", cluster.B.Root, "-cf", backup, .. BackedUp], TestTimeouts.ShortCommand)).EnsureSuccess();

        // After the backup: a delete on A, a push to C. B must end up with both.
        using (var http = new HttpClient { BaseAddress = cluster.A.BaseAddress, Timeout = TestTimeouts.HttpRequest })
        using (var delete = await http.DeleteAsync($"/v2/{Repository}/manifests/doomed"))
        {
            Assert.True(delete.StatusCode == HttpStatusCode.Accepted, $"DELETE of the tag on A answered {(int)delete.StatusCode}");
        }
        var later = await rig.PushAsync(cluster.C, Repository, "later", TestImages.Image("backup-later"));
        await AwaitTagGoneAsync(cluster, [cluster.B]);

        // The disk is lost; the restore follows the docs: stopped, an empty store, the archive unpacked, started.
        await cluster.B.StopAsync();
        cluster.B.Wipe();
        (await ProcessRunner.RunAsync("tar", ["-C", cluster.B.Root, "-xf", backup], TestTimeouts.ShortCommand)).EnsureSuccess();
        Assert.Equal(doomed.RootDigest, ReplicaInspector.TagDigest(cluster.B.Root, Repository, "doomed")); // the backup holds the old tag
        Assert.NotNull(ReplicaInspector.Missing(cluster.B.Root, later));                                   // and not the later push
        await cluster.B.StartAsync();
        await cluster.AwaitPeersSeenUpAsync();

        await rig.AwaitReplicasAsync([cluster.B], [kept, index, later]);
        await AwaitTagGoneAsync(cluster, cluster.Nodes);
        // Several feed rounds later the tag is still gone on every node: the restored copy did not spread.
        await Task.Delay(TimeSpan.FromSeconds(4));
        foreach (var node in cluster.Nodes)
        {
            Assert.Null(ReplicaInspector.TagIs(node.Root, Repository, "doomed", null));
        }

        await rig.AssertServesAsync(cluster.B, [kept, index, later]);
        await rig.AwaitReplicasAsync(cluster.Nodes, [kept, index, later]);
    }

    private static Task AwaitTagGoneAsync(ThreeNodeCluster cluster, IReadOnlyList<ClusterNode> nodes) =>
        Eventually.HoldsAsync($"{Repository}:doomed deleted on {string.Join(", ", nodes.Select(n => n.Name))}", ReplicationRig.Convergence, async () =>
        {
            foreach (var node in nodes)
            {
                if (ReplicaInspector.TagIs(node.Root, Repository, "doomed", null) is { } problem)
                {
                    return $"node {node.Name}: {problem}";
                }

                using var http = node.Http();
                using var response = await http.GetManifestAsync(Repository, "doomed");
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return $"node {node.Name} answers {(int)response.StatusCode} for the deleted tag";
                }
            }

            return null;
        });
}
