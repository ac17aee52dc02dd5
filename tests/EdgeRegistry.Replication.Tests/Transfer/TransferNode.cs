using EdgeRegistry.Replication.Tests.Support;
using EdgeRegistry.Content.Transfer;
using System.Net;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.ReadThrough;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>
/// A node under test built from the real replication components (store on a temp directory, peer clients over
/// loopback HTTP, fetcher, read-through) with scripted peers, and a loopback Kestrel front that serves a blob from
/// disk when the store holds it and through <see cref="PeerContent"/> otherwise, writing every response itself
/// from the source's outcome — the way the distribution API does. Its client follows no redirect: every answer
/// comes in the request that asked.
/// </summary>
internal sealed class TransferNode : IAsyncDisposable
{
    public static readonly RepositoryName Repository = RepositoryName.Parse("apps/transfer");
    private static readonly byte[] Secret = "a-cluster-secret-of-enough-length"u8.ToArray();
    private const string Self = "127.0.0.1:1";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "edgereg-transfer-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _peerHttp = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
    private WebApplication? _front;
    private PeerSet _peerSet = null!;

    private TransferNode()
    {
        Store = RegistryStore.Open(_root);
        Authenticator = new PeerAuthenticator(Secret, ["127.0.0.2:0", "127.0.0.3:0", Self], TimeProvider.System);
    }

    public RegistryStore Store { get; }

    public PeerAuthenticator Authenticator { get; }

    public List<ScriptedPeer> Peers { get; } = [];

    public BlobFetcher Fetcher { get; private set; } = null!;

    /// <summary>What the fetcher logged (event ids included).</summary>
    public RecordingLogger<BlobFetcher> FetcherLog { get; } = new();

    public PeerContent Content { get; private set; } = null!;

    public ClientActivity Clients { get; } = new();

    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public string TempArea => Path.Combine(_root, ".edgereg", "tmp");

    /// <summary>A node with <paramref name="peerCount"/> scripted peers on 127.0.0.2, 127.0.0.3, ….</summary>
    public static async Task<TransferNode> StartAsync(int peerCount, ReadThroughOptions? readThrough = null)
    {
        var node = new TransferNode();
        for (int i = 0; i < peerCount; i++) node.Peers.Add(await ScriptedPeer.StartAsync($"127.0.0.{i + 2}", node.Authenticator));
        var peers = new PeerSet(node.Peers.Select(p =>
        {
            var state = new PeerState(p.Member, TimeProvider.System);
            return new Peer(state, new PeerClient(state, node._peerHttp, node.Authenticator, Self, useTls: false, StoreOptions.DefaultMaxManifestBytes), new PeerView());
        }).ToList());
        node._peerSet = peers;
        node.Fetcher = new BlobFetcher(node.Store, peers, new TokenBucket(0, TimeProvider.System), node.FetcherLog, new ReplicationCounters(),
            node.Clients);
        var fetches = new FetchQueue(node.Fetcher, node.Clients, workers: 2, smallWorkers: 2);
        var clock = new HybridLogicalClock(TimeProvider.System);
        var local = new LocalInventory(node.Store, new VersionFiles(node.Store), clock, Self);
        local.Build();
        var applier = new EntryApplier(node.Store, local, fetches, NullLogger<EntryApplier>.Instance);
        node.Content = new PeerContent(node.Store, peers, node.Fetcher, applier, local, node.Clients, new CompletenessCache(TimeProvider.System),
            NullLogger<PeerContent>.Instance, readThrough);
        await node.StartFrontAsync();
        return node;
    }

    public PeerState StateOf(ScriptedPeer peer) => _peerSet.All.First(p => p.Member == peer.Member).State;

    /// <summary>Puts the blob on every peer (honest copies; each peer's script decides what it really sends).</summary>
    public Digest HoldOnPeers(byte[] content)
    {
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, content);
        foreach (var peer in Peers) peer.Hold(digest.ToString(), content);
        return digest;
    }

    /// <summary>Tells the node, as the peers' feeds would, that every peer holds these blobs (their sizes from the content).</summary>
    public void AnnounceOnPeers(IEnumerable<byte[]> contents)
    {
        foreach (var content in contents)
        {
            var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, content);
            foreach (var peer in _peerSet.All)
            {
                peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, null, null, digest, content.Length, 1, peer.Member, Deleted: false));
            }
        }
    }

    public string BlobUrl(Digest digest) => $"{_front!.Urls.First()}/v2/{Repository.Value}/blobs/{digest}";

    public byte[]? StoredBytes(Digest digest)
    {
        using var reader = Store.OpenBlob(digest);
        if (reader is null) return null;
        var bytes = new byte[reader.Length];
        int at = 0;
        while (at < bytes.Length) at += reader.Read(bytes.AsSpan(at), at);
        return bytes;
    }

    /// <summary>Waits (bounded) until the store holds the digest linked into the repository (the import's last step); false when it never did.</summary>
    public async Task<bool> EventuallyStoredAsync(Digest digest, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (Store.StatBlob(Repository, digest) is not null) return true;
            await Task.Delay(20);
        }
        return false;
    }

    /// <summary>
    /// Waits (bounded) until a half-written import in the temporary area holds at least <paramref name="bytes"/>: what
    /// a client claiming the copy now continues from. False when none ever did.
    /// </summary>
    public async Task<bool> EventuallyWrittenAsync(long bytes, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(TempArea) && Directory.EnumerateFiles(TempArea).Any(file => new FileInfo(file).Length >= bytes)) return true;
            await Task.Delay(20);
        }
        return false;
    }

    private async Task StartFrontAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _front = builder.Build();
        _front.Run(ServeAsync);
        await _front.StartAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (!Digest.TryParse(context.Request.Path.Value!.Split('/')[^1], out var digest))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (await ServeFromStoreAsync(context, digest)) return;
        var lookup = await Content.FindBlobAsync(Repository, digest, BlobWant.Whole, context.RequestAborted);
        if (lookup.Outcome == BlobOutcome.Streaming)
        {
            await using var body = lookup.Body!;
            context.Response.ContentLength = body.Length;
            if (await body.SendAsync(context.Response.BodyWriter, context.RequestAborted) == BlobSendResult.SourceFailed) context.Abort();
            return;
        }
        if (lookup.Outcome == BlobOutcome.Local && await ServeFromStoreAsync(context, digest)) return;
        context.Response.StatusCode = (int)HttpStatusCode.NotFound;
    }

    private async Task<bool> ServeFromStoreAsync(HttpContext context, Digest digest)
    {
        using var reader = Store.OpenBlob(Repository, digest);
        if (reader is null) return false;
        context.Response.ContentLength = reader.Length;
        var buffer = new byte[1 << 20];
        for (long at = 0; at < reader.Length;)
        {
            int read = await reader.ReadAsync(buffer, at, context.RequestAborted);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
            at += read;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_front is not null) await _front.DisposeAsync();
        foreach (var peer in Peers) await peer.DisposeAsync();
        _peerHttp.Dispose();
        Client.Dispose();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
