using System.Net;
using System.Runtime.InteropServices;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// A clustered node serves its own store before its replication inventory is built. The build is held by a slow
/// file of the store itself: one tag's version record is replaced by a named pipe (FIFO), on whose open the real
/// process's walk blocks until the test writes the record's bytes into it — no hook in the binary, no mock.
/// </summary>
public sealed class EarlyStartTests(ITestOutputHelper output)
{
    private const string Repository = "apps/early";

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string created);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task InventoryBuildHeld_NodeServesPullsAndPushes_PeersWaitAndGetThePushOnceItEnds()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var a = cluster.A;
        var before = await rig.PushAsync(a, Repository, "before", TestImages.Image("early-before"));
        await rig.AwaitReplicasAsync(cluster.Nodes, [before]);
        await a.StopAsync();

        string record = Path.Combine(a.Root, ".edgereg", "versions", "tags", Repository, "before");
        byte[] content = await File.ReadAllBytesAsync(record);
        string fifo = record + ".held";
        File.Delete(record);
        Assert.Equal(0, mkfifo(fifo, Convert.ToUInt32("600", 8)));
        // The path the walk opens is a second name of the pipe, so the test can put a regular file back under it
        // before letting the blocked open go on: later reads of the record must not block again.
        Assert.Equal(0, link(fifo, record));
        bool released = false;
        try
        {
            await a.StartAsync(); // returns once /v2/ answers: the walk is blocked on the pipe meanwhile

            using var http = a.Http();
            using (var manifest = await http.GetManifestAsync(Repository, "before"))
                Assert.True(manifest.StatusCode == HttpStatusCode.OK, $"a local pull during the build answered {(int)manifest.StatusCode}");
            Assert.Contains("edgereg_replication_inventory_ready 0", await MetricsAsync(a));
            var during = await rig.PushAsync(a, Repository, "during", TestImages.Image("early-during"));

            // Several of B's feed polls: A answers them 503, so B learns nothing of the push, and concludes nothing
            // from A either (what it holds from before stays).
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Null(ReplicaInspector.TagDigest(cluster.B.Root, Repository, "during"));
            Assert.NotNull(ReplicaInspector.TagDigest(cluster.B.Root, Repository, "before"));
            Assert.DoesNotContain("Replication inventory built", a.Output);
            // Up is not healthy: B shows A as answering but still building, for its status and its alerts.
            string building = $"edgereg_peer_building{{peer=\"{a.Host}\"}}";
            string metricsOfB = await MetricsAsync(cluster.B);
            Assert.Contains($"edgereg_peer_up{{peer=\"{a.Host}\"}} 1", metricsOfB);
            Assert.Contains(building + " 1", metricsOfB);

            Release(record, fifo, content);
            released = true;
            await Eventually.HoldsAsync("A's inventory built", ReplicationRig.Convergence, async () =>
                (await MetricsAsync(a)).Contains("edgereg_replication_inventory_ready 1") ? null : "not ready yet");
            // The line is logged just after the build is marked complete (which the metric shows), and reaches the
            // captured output a moment later still.
            await Eventually.HoldsAsync("A to log its inventory built", TimeSpan.FromSeconds(10), () =>
                a.Output.Contains("Replication inventory built", StringComparison.Ordinal) ? null : "not logged yet");
            // B polled A all along, was told to try later, and now reads the feed with the push in it.
            await rig.AwaitReplicasAsync([cluster.B, cluster.C], [before, during]);
            Assert.Contains(building + " 0", await MetricsAsync(cluster.B));
        }
        finally
        {
            // Not released (the test failed first): the regular file back, and the pipe gone; a reader still blocked on
            // it ends with its process when the rig is disposed (opening the pipe to write would wait for a reader).
            if (!released)
            {
                File.WriteAllBytes(record + ".tmp", content);
                File.Move(record + ".tmp", record, overwrite: true);
                File.Delete(fifo);
            }
        }
    }

    /// <summary>A regular file back under the record's name, then the bytes into the pipe the walk waits on.</summary>
    private static void Release(string record, string fifo, byte[] content)
    {
        string temp = record + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, record, overwrite: true);
        // Opening the pipe for writing wakes the blocked reader; bounded by the test's timeout if nothing reads.
        using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
            writer.Write(content);
        File.Delete(fifo);
    }

    private static async Task<string> MetricsAsync(ClusterNode node)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        return await client.GetStringAsync("/metrics");
    }
}
