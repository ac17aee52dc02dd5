using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// Issue 16's power cut during convergence: a node whose disk was replaced rehydrates from its peers and is SIGKILLed
/// at random moments, round after round (wiped again whenever it had become a full replica, so every kill lands in a
/// rehydration). After every kill nothing the store shows is partial or corrupt and no revision or tag link points
/// nowhere (a layer link may name a blob still to be fetched: a replica links a peer's manifest's blobs at once, as the
/// list of what to fetch); at the end the node converges with its peers, no link at all points nowhere, it serves
/// every tag completely, and Distribution serves its store.
/// </summary>
public sealed class ConvergenceKillDrillTests(ITestOutputHelper output)
{
    private const int MaxRounds = 50;

    /// <summary>A bound, not a target: 50 rounds take about 50 s on a quiet machine (start, kill, on-disk checks).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    /// <summary>Background replication is capped so a rehydration takes seconds, not the blink loopback allows.</summary>
    private const int ReplicationBytesPerSecond = 4 * 1024 * 1024;

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task NodeRehydratingFromPeers_SigkillAtRandomMoments_StoreSoundAndConvergesAndDistributionServesIt()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, ["--replication-bandwidth", $"{ReplicationBytesPerSecond}"]);
        var cluster = rig.Cluster;
        ExpectedImage[] images =
        [
            await rig.PushAsync(cluster.A, "drill/converge-one", "v1", TestImages.Image("drill-converge-one", layerCount: 4, layerBytes: 2 * 1024 * 1024)),
            await rig.PushAsync(cluster.B, "drill/converge-two", "v1", TestImages.Image("drill-converge-two", layerCount: 4, layerBytes: 2 * 1024 * 1024)),
            await rig.PushAsync(cluster.A, "drill/converge-index", "v1", TestImages.Index("drill-converge-index")),
        ];
        await rig.AwaitReplicasAsync(cluster.Nodes, images);
        var c = cluster.C;
        await c.KillAsync();
        c.Wipe();

        var verified = new VerifiedBlobs();
        var rounds = new KillRounds("convergence drill", MaxRounds, Budget, output);
        while (rounds.Next())
        {
            await c.StartAsync();
            // Rehydrating the images takes about 4 s at the capped bandwidth, so a kill within the first second of a start lands
            // mid-work unless the round before left a full replica (then the store is wiped).
            var moment = rounds.Moment(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1000));
            await Task.Delay(moment);
            await c.KillAsync();
            KilledStoreChecks.AssertOnDisk(c.Root, converging: true, verified);
            var missing = images.Select(image => ReplicaInspector.Missing(c.Root, image)).FirstOrDefault(m => m is not null);
            rounds.Record(interrupted: missing is not null, $"SIGKILL {moment.TotalMilliseconds:0} ms after ready; {missing ?? "full replica"}");
            if (missing is null)
            {
                c.Wipe();
            }
        }

        rounds.AssertKillsLandedMidWork(minimum: 3);
        await c.StartAsync();
        await rig.AwaitReplicasAsync([c], images);
        KilledStoreChecks.AssertOnDisk(c.Root);
        using (var http = c.Http())
        {
            Assert.Equal(images.Length, await KilledStoreChecks.AssertEdgeregServesEveryTagAsync(c.Root, http));
        }

        await rig.AssertServesAsync(c, images);
        await c.StopAsync();
        Assert.Equal(images.Length, await KilledStoreChecks.AssertDistributionServesEveryTagAsync(c.Root, rig.Temp.Sub("distribution"), output));
    }
}
