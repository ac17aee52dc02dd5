using System.Net;
using System.Text;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;

namespace EdgeRegistry.Host.Tests.Metrics;

public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Scrape_AfterPushAndPull_CountersMovedExactly()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.Path));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var before = await ScrapeAsync(http);

        var layer = Encoding.UTF8.GetBytes("metrics layer");
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
        var layerDigest = await OciPush.BlobAsync(http, "team/app", layer);
        var configDigest = await OciPush.BlobAsync(http, "team/app", config);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """);
        await OciPush.ManifestAsync(http, "team/app", "v1", "application/vnd.oci.image.manifest.v1+json", manifest);

        using var pulledManifest = await http.GetAsync("/v2/team/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, pulledManifest.StatusCode);
        using var pulledLayer = await http.GetAsync($"/v2/team/app/blobs/{layerDigest}");
        Assert.Equal(HttpStatusCode.OK, pulledLayer.StatusCode);
        using var missing = await http.GetAsync("/v2/team/app/manifests/absent");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var tags = await http.GetAsync("/v2/team/app/tags/list");
        using var headLayer = new HttpRequestMessage(HttpMethod.Head, $"/v2/team/app/blobs/{layerDigest}");
        using var headed = await http.SendAsync(headLayer);
        Assert.Equal(HttpStatusCode.OK, headed.StatusCode);

        var after = await ScrapeAsync(http);

        long Moved(string series) => after.Get(series) - before.Get(series);
        Assert.Equal(2, Moved("""edgereg_http_requests_total{route="upload",method="POST",code="201"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="manifest",method="PUT",code="201"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="manifest",method="GET",code="200"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="manifest",method="GET",code="404"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="blob",method="GET",code="200"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="blob",method="HEAD",code="200"}"""));
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="tags",method="GET",code="200"}"""));
        // The first scrape itself was answered before the second one was written.
        Assert.Equal(1, Moved("""edgereg_http_requests_total{route="other",method="GET",code="200"}"""));
        // A HEAD announces the length but sends nothing: only the GET's body counts.
        Assert.Equal(layer.Length, Moved("""edgereg_http_response_bytes_total{route="blob"}"""));
        // The layer GET went out by sendfile (plain HTTP on edgereg's transport), and nothing was cut or refused.
        Assert.Equal(layer.Length, Moved("edgereg_sendfile_bytes_total"));
        Assert.Equal(0, Moved("edgereg_sendfile_failed_total"));
        Assert.Equal(0, Moved("edgereg_sendfile_refused_total"));
        Assert.Equal(pulledManifest.Content.Headers.ContentLength, Moved("""edgereg_http_response_bytes_total{route="manifest"}""") - NotFoundBodyBytes(missing));
        Assert.Equal(0, Moved("""edgereg_read_through_total{kind="blob",outcome="served"}"""));
        Assert.True(after.Has("""edgereg_read_through_total{kind="manifest",outcome="miss"}"""));
        Assert.False(after.Has("edgereg_replication_pending_blobs"), "a stand-alone registry has no replication queue");
    }

    [Fact]
    public async Task Scrape_StoreWithImage_StoreGaugesFromCensusAndEveryFamilyDescribedOnce()
    {
        var settings = RunningRegistry.Settings(_temp.Path);
        var bytes = await StoreContent.PushImageAsync(RegistryStore.Open(settings.Root), "library/alpine", "3.20", "alpine");
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var metrics = MetricsExposition.Parse(text);
        Assert.Equal(metrics.Types.Distinct(), metrics.Types);
        Assert.Equal(metrics.Help.Distinct(), metrics.Help);
        Assert.Equal(metrics.Types, metrics.Help);
        Assert.Equal(1, metrics.Get("edgereg_store_repositories"));
        Assert.Equal(1, metrics.Get("edgereg_store_manifests"));
        Assert.Equal(3, metrics.Get("edgereg_store_blobs"));
        Assert.Equal(bytes, metrics.Get("edgereg_store_bytes"));
        Assert.True(metrics.Get("edgereg_store_free_bytes") > 0);
        Assert.True(metrics.Get("edgereg_process_resident_bytes") > 1 << 20);
        Assert.Contains("edgereg_build_info{version=\"", text, StringComparison.Ordinal);
        foreach (var family in new[] { "edgereg_http_requests_total", "edgereg_http_response_bytes_total", "edgereg_read_through_total",
                     "edgereg_read_through_bytes_total", "edgereg_replication_fetched_blobs_total", "edgereg_replication_fetched_bytes_total",
                     "edgereg_sendfile_bytes_total", "edgereg_sendfile_failed_total", "edgereg_sendfile_refused_total" })
        {
            Assert.Contains(family, metrics.Types);
        }
    }

    private static long NotFoundBodyBytes(HttpResponseMessage response) => response.Content.Headers.ContentLength ?? 0;

    private static async Task<MetricsExposition> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return MetricsExposition.Parse(await response.Content.ReadAsStringAsync());
    }
}
