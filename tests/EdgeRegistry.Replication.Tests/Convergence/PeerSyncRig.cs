using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Replication.Tests.Support;
using EdgeRegistry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// One real <see cref="PeerSync"/> of this node (<see cref="Self"/>) with one peer at a given address: a real store,
/// inventory, applier and fetch queue, the real peer client over loopback HTTP, and a logger that keeps what it says.
/// </summary>
internal sealed class PeerSyncRig : IDisposable
{
    public const string Self = "127.0.0.1:5000";
    public static readonly byte[] Secret = "a-cluster-secret-of-enough-length"u8.ToArray();

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) });

    public PeerSyncRig(StoreFixture store, string member, TimeSpan? feedInterval = null)
    {
        var authenticator = new PeerAuthenticator(Secret, [member, Self], TimeProvider.System);
        State = new PeerState(member, TimeProvider.System);
        Peer = new Peer(State, new PeerClient(State, _http, authenticator, Self, useTls: false, StoreOptions.DefaultMaxManifestBytes), new PeerView());
        var peers = new PeerSet([Peer]);
        var clients = new ClientActivity();
        var fetcher = new BlobFetcher(store.Store, peers, new TokenBucket(0, TimeProvider.System), NullLogger<BlobFetcher>.Instance, new ReplicationCounters(), clients);
        var fetches = new FetchQueue(fetcher, clients, workers: 1, smallWorkers: 1);
        Clock = new HybridLogicalClock(TimeProvider.System);
        var local = new LocalInventory(store.Store, new VersionFiles(store.Store), Clock, Self);
        local.Build();
        // Wired as LocalInventoryLoader wires it: what the store commits is recorded in the inventory.
        store.Store.Changed += local.OnStoreChanged;
        var applier = new EntryApplier(store.Store, local, fetches, NullLogger<EntryApplier>.Instance);
        var options = new ReplicationOptions { Self = Self, Peers = [member], Secret = Secret, FeedInterval = feedInterval ?? TimeSpan.FromSeconds(1) };
        Sync = new PeerSync(Peer, applier, Clock, fetches, options, TimeProvider.System, Log);
    }

    public PeerState State { get; }

    public Peer Peer { get; }

    public HybridLogicalClock Clock { get; }

    public PeerSync Sync { get; }

    public RecordingLogger<PeerSync> Log { get; } = new();

    public void Dispose() => _http.Dispose();
}
