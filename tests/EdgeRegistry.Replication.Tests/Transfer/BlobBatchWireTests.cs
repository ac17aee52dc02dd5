using System.Net;
using System.Text;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>
/// The blob batch on the wire: the real peer endpoint serving a real store over loopback, read back by the real
/// client and reader; and the reader refusing every answer that breaks the format, before any byte is trusted.
/// </summary>
public sealed class BlobBatchWireTests
{
    private static readonly byte[] Secret = "a-cluster-secret-of-enough-length"u8.ToArray();
    private const string Self = "127.0.0.1:7";
    private const string Asker = "127.0.0.2:7";

    private static Digest DigestOf(byte[] content) => ContentHasher.Compute(DigestAlgorithm.Sha256, content);

    [Fact(Timeout = 60_000)]
    public async Task Endpoint_BlobsMissingAndLarge_AnsweredInOrderReadBackIntact()
    {
        using var root = new TempDirectory("batch");
        var store = RegistryStore.Open(root.Path);
        var repository = RepositoryName.Parse("apps/batch");
        byte[] small = Encoding.UTF8.GetBytes("{\"config\":true}");
        byte[] empty = [];
        byte[] large = new byte[BlobBatchWire.MaxBlobBytes + 1];
        new Random(3).NextBytes(large);
        foreach (var content in new[] { small, empty, large }) store.ImportBlob(DigestOf(content), content, repository);
        var absent = DigestOf("not here"u8.ToArray());
        await using var server = await PeerServer.StartAsync(store);

        var asked = new List<Digest> { DigestOf(small), absent, DigestOf(large), DigestOf(empty) };
        using var response = await server.Client.OpenBlobBatchAsync(asked, CancellationToken.None);

        Assert.NotNull(response);
        await using var reader = new BlobBatchReader(await response.Content.ReadAsStreamAsync());
        var buffer = new byte[BlobBatchWire.MaxBlobBytes];
        var first = await reader.NextAsync(asked[0], buffer, CancellationToken.None);
        Assert.Equal((BatchAnswer.Blob, small.Length), first);
        Assert.Equal(small, buffer[..small.Length]);
        Assert.Equal(BatchAnswer.Missing, (await reader.NextAsync(asked[1], buffer, CancellationToken.None)).Answer);
        Assert.Equal(BatchAnswer.Large, (await reader.NextAsync(asked[2], buffer, CancellationToken.None)).Answer);
        Assert.Equal((BatchAnswer.Blob, 0), await reader.NextAsync(asked[3], buffer, CancellationToken.None));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("")]
    [InlineData("?d=")]
    [InlineData("?d=sha256:nothex")]
    [InlineData("?d=md5:0123")]
    public async Task Endpoint_MalformedDigestList_400(string query)
    {
        using var root = new TempDirectory("batch");
        await using var server = await PeerServer.StartAsync(RegistryStore.Open(root.Path));

        using var response = await server.SendAsync("_edgereg/peer/v1/" + BlobBatchWire.Path + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Endpoint_MoreDigestsThanABatchMayAsk_400()
    {
        using var root = new TempDirectory("batch");
        await using var server = await PeerServer.StartAsync(RegistryStore.Open(root.Path));
        var digests = Enumerable.Range(0, BlobBatchWire.MaxDigests + 1).Select(i => DigestOf(BitConverter.GetBytes(i)));

        using var response = await server.SendAsync("_edgereg/peer/v1/" + BlobBatchWire.Path + BlobBatchWire.Query(digests));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Endpoint_UnsignedRequest_401()
    {
        using var root = new TempDirectory("batch");
        await using var server = await PeerServer.StartAsync(RegistryStore.Open(root.Path));

        using var response = await server.Http.GetAsync(server.Base + "_edgereg/peer/v1/" + BlobBatchWire.Path + "?d=" + DigestOf([1]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string, string> HostileAnswers()
    {
        string d = DigestOf([1, 2, 3]).ToString();
        string other = DigestOf([4]).ToString();
        return new TheoryData<string, string>
        {
            { "", "ended the blob batch" },
            { d + " 3\n\u0001\u0002", "sent 2 of the 3 bytes" },
            { other + " 3\n\u0001\u0002\u0003", "out of order" },
            { "garbage\n", "out of order" },
            { d + " 99999999\n", "unusable length" },
            { d + " -1\n", "unusable length" },
            { d + " 0x10\n", "unusable length" },
            { d + " " + (BlobBatchWire.MaxBlobBytes + 1) + "\n", "unusable length" },
            { new string('a', 500), "longer than" },
            { d + new string(' ', 300) + "\n", "longer than" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileAnswers))]
    public async Task Reader_AnswerBreaksTheFormat_InvalidDataNamingTheProblem(string body, string problem)
    {
        await using var reader = new BlobBatchReader(new MemoryStream(Encoding.Latin1.GetBytes(body)));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            reader.NextAsync(DigestOf([1, 2, 3]), new byte[BlobBatchWire.MaxBlobBytes], CancellationToken.None).AsTask());

        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public async Task Reader_AnswersSplitAcrossTinyReads_ReadAsOne()
    {
        byte[] a = [1, 2, 3], b = [9, 8];
        string wire = $"{DigestOf(a)} 3\n\u0001\u0002\u0003{DigestOf(b)} missing\n{DigestOf(b)} 2\n\u0009\u0008";
        await using var reader = new BlobBatchReader(new TrickleStream(Encoding.Latin1.GetBytes(wire)));
        var buffer = new byte[16];

        Assert.Equal((BatchAnswer.Blob, 3), await reader.NextAsync(DigestOf(a), buffer, CancellationToken.None));
        Assert.Equal(a, buffer[..3]);
        Assert.Equal(BatchAnswer.Missing, (await reader.NextAsync(DigestOf(b), buffer, CancellationToken.None)).Answer);
        Assert.Equal((BatchAnswer.Blob, 2), await reader.NextAsync(DigestOf(b), buffer, CancellationToken.None));
        Assert.Equal(b, buffer[..2]);
    }

    /// <summary>A stream that hands out one byte per read, as a slow link may.</summary>
    private sealed class TrickleStream(byte[] content) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }

    /// <summary>The real peer endpoints of a node on loopback, and a peer client of another member signed with the same secret.</summary>
    private sealed class PeerServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private PeerServer(WebApplication app, PeerClient client, HttpClient http, PeerAuthenticator authenticator)
        {
            _app = app;
            Client = client;
            Http = http;
            Authenticator = authenticator;
        }

        public PeerClient Client { get; }

        public HttpClient Http { get; }

        public PeerAuthenticator Authenticator { get; }

        public string Base => _app.Urls.First() + "/";

        public static async Task<PeerServer> StartAsync(RegistryStore store)
        {
            var authenticator = new PeerAuthenticator(Secret, [Self, Asker], TimeProvider.System);
            var local = new LocalInventory(store, new VersionFiles(store), new HybridLogicalClock(TimeProvider.System), Self);
            local.Build();
            var endpoints = new PeerEndpoints(store, local, authenticator, new PeerSet([]), NullLogger<PeerEndpoints>.Instance);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Use(next => context => endpoints.InvokeAsync(context, next));
            await app.StartAsync();
            var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var member = new Uri(app.Urls.First()).Authority;
            var state = new PeerState(member, TimeProvider.System);
            // The asker signs as a member of the cluster; the client talks to the server's real address.
            var client = new PeerClient(state, http, new PeerAuthenticator(Secret, [Self, Asker], TimeProvider.System), Asker, useTls: false,
                StoreOptions.DefaultMaxManifestBytes);
            return new PeerServer(app, client, http, authenticator);
        }

        public Task<HttpResponseMessage> SendAsync(string pathAndQuery)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Base + pathAndQuery);
            request.Headers.TryAddWithoutValidation(PeerAuthenticator.HeaderName, Authenticator.Sign(Asker, "GET", request.RequestUri!.PathAndQuery));
            return Http.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Http.Dispose();
        }
    }
}
