using System.Net;
using System.Security.Cryptography;
using EdgeRegistry.Host.Tests.Metrics;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Capacity;

namespace EdgeRegistry.Host.Tests.Capacity;

/// <summary>
/// Two real in-process nodes (the third member never starts); the second's store is a real 24 MiB tmpfs with
/// `--min-free 8M`, filled so that a 6 MiB layer its peer holds does not fit.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PeerCopySpaceTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly TempDirectory _temp = new("peer-copy-space");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Convergence_CopyPastMinFree_WaitsServesClientsThroughPeerAndCompletesWhenRoomReturns()
    {
        var cluster = new InProcessCluster(_temp);
        var settingsA = cluster.Settings(0);
        var layer = new byte[6 * MiB];
        new Random(13).NextBytes(layer);
        string layerDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
        await StoreContent.PushImageAsync(RegistryStore.Open(settingsA.Root), "apps/big", "v1", "big", layer);

        await using var tmpfs = await TmpfsMount.MountAsync(_temp.Combine("member-2-tmpfs"), 24L * MiB);
        // 24 MiB - 12 MiB filler leaves ~12 MiB free: 4 MiB above the 8 MiB limit, too little for the 6 MiB layer.
        string filler = tmpfs.Fill("filler", 12L * MiB);
        var settingsB = cluster.Settings(1) with { Root = tmpfs.Path, MinFree = SpaceLimit.OfBytes(8L * MiB) };
        await using var a = await InProcessCluster.StartAsync(settingsA);
        await using var b = await InProcessCluster.StartAsync(settingsB);
        using var http = cluster.Client(1, TimeSpan.FromSeconds(30));

        var waiting = await ScrapeUntilAsync(http, m => m.Get("edgereg_replication_copies_waiting_for_space") >= 1, "a copy waiting for space");
        Assert.Equal(8L * MiB, waiting.Get("edgereg_guard_min_free_bytes"));
        string blobFile = Path.Combine(tmpfs.Path, "docker/registry/v2/blobs/sha256", layerDigest[7..9], layerDigest[7..], "data");
        Assert.False(File.Exists(blobFile));

        // Serving is never refused because of the guard: the client gets the layer through the peer, uncopied.
        using (var response = await http.GetAsync($"/v2/apps/big/blobs/{layerDigest}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(layer, await response.Content.ReadAsByteArrayAsync());
        }
        Assert.False(File.Exists(blobFile));

        // Room again: the waiting copy goes on by itself and the layer lands, verified.
        File.Delete(filler);
        await ScrapeUntilAsync(http, m => m.Get("edgereg_replication_copies_waiting_for_space") == 0 && m.Get("edgereg_replication_pending_blobs") == 0,
            "the copy done");
        Assert.Equal(layer, await File.ReadAllBytesAsync(blobFile));
    }

    private static async Task<MetricsExposition> ScrapeUntilAsync(HttpClient http, Func<MetricsExposition, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        MetricsExposition metrics;
        do
        {
            await Task.Delay(200);
            using var response = await http.GetAsync("/metrics");
            metrics = MetricsExposition.Parse(await response.Content.ReadAsStringAsync());
        }
        while (!done(metrics) && DateTime.UtcNow < deadline);
        Assert.True(done(metrics), $"no {what} within 30 s:\n{metrics.Text}");
        return metrics;
    }
}
