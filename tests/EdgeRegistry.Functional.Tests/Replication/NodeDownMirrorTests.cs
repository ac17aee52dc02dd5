using System.Diagnostics;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 3: with node A down, B and C serve every image, and a client configured as CRI-O is —
/// a registries.conf listing the three nodes as mirrors of a source that does not exist — still pulls by digest
/// and by tag, without a dead node costing more than a short, bounded delay.
/// </summary>
public sealed class NodeDownMirrorTests(ITestOutputHelper output)
{
    /// <summary>Generous for a 2-core CI machine; a stall on a dead peer (tens of seconds) still fails it.</summary>
    private static readonly TimeSpan PullBound = TimeSpan.FromSeconds(10);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task FirstNodeDown_MirrorsListAllThree_PullsByDigestAndTagWithinBound()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        ExpectedImage[] images =
        [
            await rig.PushAsync(cluster.A, "apps/down-single", "v1", TestImages.Image("down-single")),
            await rig.PushAsync(cluster.A, "apps/down-index", "v1", TestImages.Index("down-index")),
        ];
        await rig.AwaitReplicasAsync(cluster.Nodes, images);

        await cluster.A.KillAsync();

        await rig.AssertServesAsync(cluster.B, images);
        await rig.AssertServesAsync(cluster.C, images);
        var conf = MirrorRegistriesConf.Write(rig.Temp.Combine("registries.conf"), cluster.Nodes.Select(n => n.Host));
        var mirrored = new ImagePuller(new Skopeo(rig.Temp.Sub("skopeo-mirrors"), conf).RunAsync, rig.Temp);
        foreach (var image in images)
        {
            await AssertPullWithinBoundAsync(mirrored, $"docker://{MirrorRegistriesConf.Source}/{image.Repository}@{image.RootDigest}", image);
            await AssertPullWithinBoundAsync(mirrored, $"docker://{MirrorRegistriesConf.Source}/{image.Repository}:{image.Tag}", image);
        }
    }

    private async Task AssertPullWithinBoundAsync(ImagePuller puller, string reference, ExpectedImage image)
    {
        var watch = Stopwatch.StartNew();
        await puller.AssertPullsAsync(reference, image);
        output.WriteLine($"{reference} pulled through the mirrors in {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(watch.Elapsed < PullBound, $"{reference} took {watch.Elapsed.TotalSeconds:0.0} s with node A down (bound {PullBound.TotalSeconds} s)");
    }
}
