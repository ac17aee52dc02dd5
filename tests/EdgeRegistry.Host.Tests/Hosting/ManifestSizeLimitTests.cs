using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Metrics;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Logging;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>
/// --max-manifest-bytes is one setting: a 5 MiB manifest under an 8 MiB limit passes the API, the store and a
/// peer's client alike, on real in-process nodes over loopback; at the 4 MiB default it is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManifestSizeLimitTests : IDisposable
{
    private const long EightMiB = 8 * 1024 * 1024;
    private const int FiveMiB = 5 * 1024 * 1024;
    private const string Repository = "apps/large-index";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PutManifest_FiveMiBUnderEightMiBLimit_PushedServedAndFetchedByPeer()
    {
        var (a, b, port) = await StartPairAsync(EightMiB, EightMiB);
        await using (a)
        await using (b)
        {
            byte[] manifest = await LargeManifestAsync(a.Settings.Root);
            var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, manifest);
            using var toA = Client("127.0.0.1", port);
            using var toB = Client("127.0.0.2", port);

            using (var put = await PutAsync(toA, "v1", manifest))
            {
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }
            using (var served = await toA.GetAsync($"/v2/{Repository}/manifests/v1"))
            {
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
                Assert.Equal(manifest, await served.Content.ReadAsByteArrayAsync());
            }
            await WaitForPeerUpAsync(toB, $"127.0.0.1:{port}");

            // B does not hold it: its read-through fetches it from A with the peer client, under the same limit.
            using var fetched = await toB.GetAsync($"/v2/{Repository}/manifests/{digest}");

            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
            Assert.Equal(manifest, await fetched.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task GetManifest_PeerAtDefaultLimit_FiveMiBManifestNotFetched()
    {
        var (a, b, port) = await StartPairAsync(EightMiB, ServeSettings.DefaultMaxManifestBytes);
        await using (a)
        await using (b)
        {
            byte[] manifest = await LargeManifestAsync(a.Settings.Root);
            var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, manifest);
            using var toA = Client("127.0.0.1", port);
            using var toB = Client("127.0.0.2", port);
            using (var put = await PutAsync(toA, "v1", manifest))
            {
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }
            await WaitForPeerUpAsync(toB, $"127.0.0.1:{port}");

            using var fetched = await toB.GetAsync($"/v2/{Repository}/manifests/{digest}");

            Assert.Equal(HttpStatusCode.NotFound, fetched.StatusCode);
        }
    }

    [Fact]
    public async Task PutManifest_FiveMiBAtDefaultLimit_413AndNothingStored()
    {
        var settings = RunningRegistry.Settings(_temp.File("root"));
        Assert.Equal(ServeSettings.DefaultMaxManifestBytes, settings.MaxManifestBytes);
        byte[] manifest = await LargeManifestAsync(settings.Root);
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // The API answers 413 from Content-Length without reading the body and closes the connection; a client that
        // waits for 100-continue (as containers/image does for large bodies) reads that answer instead of a broken pipe.
        http.DefaultRequestHeaders.ExpectContinue = true;

        using var put = await PutAsync(http, "v1", manifest);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
        using var get = await http.GetAsync($"/v2/{Repository}/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    /// <summary>Pushes a config and a layer into the store at <paramref name="root"/>; returns a valid OCI manifest of 5 MiB referencing them.</summary>
    private static async Task<byte[]> LargeManifestAsync(string root)
    {
        var store = RegistryStore.Open(root);
        var name = RepositoryName.Parse(Repository);
        byte[] config = """{"architecture":"amd64","os":"linux"}"""u8.ToArray();
        byte[] layer = Encoding.UTF8.GetBytes("a layer of a large index");
        var configDigest = await PutBlobAsync(store, name, config);
        var layerDigest = await PutBlobAsync(store, name, layer);
        string head = $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestMediaTypes.OciManifest}}",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}],
             "annotations":{"padding":"
            """;
        const string tail = "\"}}";
        byte[] manifest = Encoding.UTF8.GetBytes(head + new string('x', FiveMiB - head.Length - tail.Length) + tail);
        Assert.Equal(FiveMiB, manifest.Length);
        return manifest;
    }

    private static async Task<Digest> PutBlobAsync(IRegistryStore store, RepositoryName repository, byte[] content)
    {
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, content);
        await store.PutBlobAsync(repository, digest, System.IO.Pipelines.PipeReader.Create(new MemoryStream(content)), content.Length,
            CancellationToken.None);
        return digest;
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient http, string reference, byte[] manifest)
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestMediaTypes.OciManifest);
        return http.PutAsync($"/v2/{Repository}/manifests/{reference}", content);
    }

    private static HttpClient Client(string address, int port) =>
        new() { BaseAddress = new Uri($"http://{address}:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Read-through only asks peers it believes up: wait (bounded) until B's first probes of A succeeded.</summary>
    private static async Task WaitForPeerUpAsync(HttpClient node, string peer)
    {
        var deadline = DateTime.UtcNow + Patience;
        MetricsExposition metrics;
        do
        {
            await Task.Delay(100);
            using var response = await node.GetAsync("/metrics");
            metrics = MetricsExposition.Parse(await response.Content.ReadAsStringAsync());
        }
        while (metrics.Get($"edgereg_peer_up{{peer=\"{peer}\"}}") < 1 && DateTime.UtcNow < deadline);
        Assert.Equal(1, metrics.Get($"edgereg_peer_up{{peer=\"{peer}\"}}"));
    }

    private async Task<(InProcessNode A, InProcessNode B, int Port)> StartPairAsync(long limitA, long limitB)
    {
        var cluster = new InProcessCluster(_temp);
        var a = await InProcessCluster.StartAsync(cluster.Settings(0) with { MaxManifestBytes = limitA });
        var b = await InProcessCluster.StartAsync(cluster.Settings(1) with { MaxManifestBytes = limitB });
        return (a, b, cluster.Port);
    }
}
