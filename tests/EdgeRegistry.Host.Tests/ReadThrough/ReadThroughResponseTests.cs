using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Cli;
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

namespace EdgeRegistry.Host.Tests.ReadThrough;

/// <summary>
/// Read-through answered by the real distribution API of a real in-process node (B) from its real peer (A), the
/// third member never started: whatever the source, the API writes the response in the request that asked, with
/// the headers a blob from disk has. B's own background copy is capped at a crawl, so only a client's request can
/// bring the blob in time.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadThroughResponseTests : IDisposable
{
    private const string Repository = "apps/readthrough";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task Get_BlobOnlyOnPeer_StreamedWithETagAndCacheControlAndCountedAsServedWithItsBytes()
    {
        await using var cluster = await Cluster.StartAsync(_temp, blobMiB: 8);
        var before = await cluster.ScrapeBAsync();

        using var response = await cluster.Http.GetAsync(cluster.BlobPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(cluster.Blob, await response.Content.ReadAsByteArrayAsync());
        AssertBlobHeaders(response, cluster.Digest);
        Assert.Equal(cluster.Blob.Length, response.Content.Headers.ContentLength);
        var after = await cluster.ScrapeBAsync();
        Assert.Equal(before.Get(Served) + 1, after.Get(Served));
        Assert.Equal(before.Get(Bytes) + cluster.Blob.Length, after.Get(Bytes)); // streamed from the peer, not from B's disk
    }

    [Fact(Timeout = 120_000)]
    public async Task Get_RangeOfBlobOnlyOnPeer_206InTheSameRequestWithETag()
    {
        await using var cluster = await Cluster.StartAsync(_temp, blobMiB: 8);
        using var request = new HttpRequestMessage(HttpMethod.Get, cluster.BlobPath);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);

        using var response = await cluster.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode); // not a 307 back to the same URL
        Assert.Equal($"bytes 1000-1999/{cluster.Blob.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(cluster.Blob.AsSpan(1000, 1000).ToArray(), await response.Content.ReadAsByteArrayAsync());
        AssertBlobHeaders(response, cluster.Digest);
    }

    [Fact(Timeout = 120_000)]
    public async Task Get_SecondClientWhileTheFirstStreams_WaitsAndIsServedFromDiskInTheSameRequest()
    {
        await using var cluster = await Cluster.StartAsync(_temp, blobMiB: 32);
        var before = await cluster.ScrapeBAsync();

        // The first client reads 1 MiB and stops: its stream (and so the flight it drives) is held open by it.
        using var first = await cluster.Http.GetAsync(cluster.BlobPath, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.Content.ReadAsStreamAsync();
        var start = new byte[1 << 20];
        await firstBody.ReadExactlyAsync(start);
        var second = cluster.Http.GetAsync(cluster.BlobPath);
        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the second client must wait for the flight the first drives");
        var rest = new MemoryStream();
        await firstBody.CopyToAsync(rest);
        using var waited = await second.WaitAsync(Bound);

        Assert.Equal(cluster.Blob, start.Concat(rest.ToArray()).ToArray());
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal(cluster.Blob, await waited.Content.ReadAsByteArrayAsync());
        AssertBlobHeaders(waited, cluster.Digest);
        var after = await cluster.ScrapeBAsync();
        Assert.Equal(before.Get(Served) + 2, after.Get(Served));
        Assert.Equal(before.Get(Bytes) + cluster.Blob.Length, after.Get(Bytes)); // the waiter's bytes came from disk
    }

    [Fact(Timeout = 120_000)]
    public async Task HeadAndGet_BlobOnNoNode_404CountedAsMisses()
    {
        await using var cluster = await Cluster.StartAsync(_temp, blobMiB: 1);
        var before = await cluster.ScrapeBAsync();
        var absent = ContentHasherDigest("no node has this"u8.ToArray());

        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/blobs/{absent}"));
        using var get = await cluster.Http.GetAsync($"/v2/{Repository}/blobs/{absent}");

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var after = await cluster.ScrapeBAsync();
        Assert.Equal(before.Get(Missed) + 2, after.Get(Missed));
        Assert.Equal(before.Get(Served), after.Get(Served));
    }

    [Fact(Timeout = 120_000)]
    public async Task Head_BlobOnlyOnPeer_LengthAndHeadersCountedAsServedWithoutBytes()
    {
        await using var cluster = await Cluster.StartAsync(_temp, blobMiB: 1);
        var before = await cluster.ScrapeBAsync();

        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, cluster.BlobPath));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(cluster.Blob.Length, head.Content.Headers.ContentLength);
        AssertBlobHeaders(head, cluster.Digest);
        var after = await cluster.ScrapeBAsync();
        Assert.Equal(before.Get(Served) + 1, after.Get(Served));
        Assert.Equal(before.Get(Bytes), after.Get(Bytes));
    }

    private const string Served = """edgereg_read_through_total{kind="blob",outcome="served"}""";
    private const string Missed = """edgereg_read_through_total{kind="blob",outcome="miss"}""";
    private const string Bytes = "edgereg_read_through_bytes_total";

    private static void AssertBlobHeaders(HttpResponseMessage response, Digest digest)
    {
        Assert.Equal($"\"{digest}\"", response.Headers.ETag?.ToString());
        Assert.Equal("max-age=31536000", response.Headers.CacheControl?.ToString());
        Assert.Equal(digest.ToString(), Assert.Single(response.Headers.GetValues("Docker-Content-Digest")));
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
    }

    private static Digest ContentHasherDigest(byte[] content) => Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));

    /// <summary>A (holding the image with the blob) and B (empty, its background copies capped at 64 KiB/s), C never started.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly InProcessNode _a;
        private readonly InProcessNode _b;

        private Cluster(InProcessNode a, InProcessNode b, HttpClient http, byte[] blob, Digest digest)
        {
            _a = a;
            _b = b;
            Http = http;
            Blob = blob;
            Digest = digest;
        }

        /// <summary>B's API; redirects are not followed, so a 307 would fail the test.</summary>
        public HttpClient Http { get; }

        public byte[] Blob { get; }

        public Digest Digest { get; }

        public string BlobPath => $"/v2/{Repository}/blobs/{Digest}";

        public static async Task<Cluster> StartAsync(TempDirectory temp, int blobMiB)
        {
            var members = new InProcessCluster(temp);
            var settingsA = members.Settings(0);
            var blob = new byte[blobMiB << 20];
            new Random(blobMiB).NextBytes(blob);
            var digest = await PushImageAsync(RegistryStore.Open(settingsA.Root), blob);
            var a = await InProcessCluster.StartAsync(settingsA);
            var b = await InProcessCluster.StartAsync(members.Settings(1) with { ReplicationBytesPerSecond = 64 << 10 });
            return new Cluster(a, b, members.Client(1, Bound), blob, digest);
        }

        public async Task<MetricsExposition> ScrapeBAsync()
        {
            using var response = await Http.GetAsync("/metrics");
            return MetricsExposition.Parse(await response.Content.ReadAsStringAsync());
        }

        private static async Task<Digest> PushImageAsync(IRegistryStore store, byte[] layer)
        {
            var name = RepositoryName.Parse(Repository);
            var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
            var configDigest = await PutBlobAsync(store, name, config);
            var layerDigest = await PutBlobAsync(store, name, layer);
            var manifest = Encoding.UTF8.GetBytes($$"""
                {"schemaVersion":2,"mediaType":"{{ManifestMediaTypes.OciManifest}}",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
                """);
            await store.PutManifestAsync(name, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);
            return layerDigest;
        }

        private static async Task<Digest> PutBlobAsync(IRegistryStore store, RepositoryName repository, byte[] content)
        {
            var digest = ContentHasherDigest(content);
            await store.PutBlobAsync(repository, digest, PipeReader.Create(new MemoryStream(content)), content.Length, CancellationToken.None);
            return digest;
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _b.DisposeAsync();
            await _a.DisposeAsync();
        }
    }
}
