using System.Net;
using EdgeRegistry.Cli;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Logging;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Metrics;

/// <summary>Two real in-process nodes of a three-member cluster (the third never starts), scraped on the second.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReplicationMetricsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Scrape_ImageOnPeer_BackgroundFetchCountedExactlyAndPeerStates()
    {
        var cluster = new InProcessCluster(_temp);
        int port = cluster.Port;
        var settingsA = cluster.Settings(0);
        var blobBytes = await StoreContent.PushImageAsync(RegistryStore.Open(settingsA.Root), "apps/metrics", "v1", "metrics");
        await using var a = await InProcessCluster.StartAsync(settingsA);
        await using var b = await InProcessCluster.StartAsync(cluster.Settings(1));
        using var http = cluster.Client(1, TimeSpan.FromSeconds(30));

        // Background convergence copies the image's two blobs (config and layer); the manifest is not counted as a blob.
        MetricsExposition metrics;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        // The peer gauge is part of the wait too: on a loaded CI machine one probe of A can time out and mark it
        // down for a back-off period, a true state the gauge must show, but not the one this test is about.
        // Likewise A's first probe of B can come before B listens; B counts A's peer calls only once A retries.
        do
        {
            await Task.Delay(100);
            using var response = await http.GetAsync("/metrics");
            metrics = MetricsExposition.Parse(await response.Content.ReadAsStringAsync());
        }
        while ((metrics.Get("edgereg_replication_fetched_blobs_total") < 2 || metrics.Get("edgereg_replication_pending_blobs") > 0
                || metrics.Get($"edgereg_peer_up{{peer=\"127.0.0.1:{port}\"}}") < 1
                || metrics.Get(PeerApiAnswered) < 1)
            && DateTime.UtcNow < deadline);

        var manifestBytes = RegistryStore.Open(settingsA.Root).GetManifest(Storage.Naming.RepositoryName.Parse("apps/metrics"), "v1")!.Content.Length;
        Assert.Equal(2, metrics.Get("edgereg_replication_fetched_blobs_total"));
        Assert.Equal(blobBytes - manifestBytes, metrics.Get("edgereg_replication_fetched_bytes_total"));
        Assert.Equal(0, metrics.Get("edgereg_replication_pending_blobs"));
        Assert.Equal(1, metrics.Get($"edgereg_peer_up{{peer=\"127.0.0.1:{port}\"}}"));
        Assert.Equal(0, metrics.Get($"edgereg_peer_up{{peer=\"127.0.0.3:{port}\"}}"));
        Assert.Equal(0, metrics.Get($"edgereg_peer_building{{peer=\"127.0.0.1:{port}\"}}"));
        Assert.True(metrics.Get(PeerApiAnswered) > 0, metrics.Text);

        // A tag no node has: one read-through miss, counted on the node that asked.
        var before = metrics.Get("""edgereg_read_through_total{kind="manifest",outcome="miss"}""");
        using (var missing = await http.GetAsync("/v2/apps/metrics/manifests/absent"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var last = await http.GetAsync("/metrics");
        var after = MetricsExposition.Parse(await last.Content.ReadAsStringAsync());
        Assert.Equal(before + 1, after.Get("""edgereg_read_through_total{kind="manifest",outcome="miss"}"""));
    }

    private const string PeerApiAnswered = """edgereg_http_requests_total{route="peer",method="GET",code="200"}""";
}
