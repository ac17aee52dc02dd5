using System.Collections.Concurrent;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A reconciliation says what it found at debug level (entries compared, applied again, still waiting, and the
/// fetch queue's totals): on a real store and inventory, against a peer whose address answers nothing, so the
/// entry this node lacks stays waiting.
/// </summary>
public sealed class ReconcileStatisticsTests : IDisposable
{
    private const string Self = "127.0.0.1:5000";
    private static readonly byte[] Secret = "a-cluster-secret-of-enough-length"u8.ToArray();
    private readonly StoreFixture _f = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) });

    public void Dispose()
    {
        _http.Dispose();
        _f.Dispose();
    }

    /// <summary>Keeps what PeerSync logs, with its level.</summary>
    private sealed class Recorder : ILogger<PeerSync>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }

    [Fact]
    public async Task ReconcileAsync_OneEntryMissingHere_LogsComparedReappliedAndWaitingAtDebug()
    {
        // A member address on loopback with nothing listening: the manifest fetch fails fast.
        string member = $"127.0.0.1:{FreePort.Next()}";
        var authenticator = new PeerAuthenticator(Secret, [member, Self], TimeProvider.System);
        var state = new PeerState(member, TimeProvider.System);
        var peer = new Peer(state, new PeerClient(state, _http, authenticator, Self, useTls: false, StoreOptions.DefaultMaxManifestBytes), new PeerView());
        var peers = new PeerSet([peer]);
        var clients = new ClientActivity();
        var counters = new ReplicationCounters();
        var fetcher = new BlobFetcher(_f.Store, peers, new TokenBucket(0, TimeProvider.System), NullLogger<BlobFetcher>.Instance, counters, clients);
        var fetches = new FetchQueue(fetcher, clients, workers: 1, smallWorkers: 1);
        var clock = new HybridLogicalClock(TimeProvider.System);
        var local = new LocalInventory(_f.Store, new VersionFiles(_f.Store), clock, Self);
        local.Build();
        var applier = new EntryApplier(_f.Store, local, fetches, NullLogger<EntryApplier>.Instance);
        var log = new Recorder();
        var sync = new PeerSync(peer, applier, clock, fetches, new ReplicationOptions { Self = Self, Peers = [member], Secret = Secret }, TimeProvider.System, log);

        var elsewhere = RepositoryName.Parse("apps/not-here");
        // A blob no local manifest needs (satisfied: not worth copying) and a manifest this node lacks (applied again, waits).
        peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, elsewhere, null, TestContent.Sha256(TestContent.Bytes(100, 1)), 100, 0, "", false));
        peer.View.Inventory.Put(new InventoryEntry(EntryKind.Manifest, elsewhere, null, TestContent.Sha256(TestContent.Bytes(200, 2)), 200,
            clock.Now(), member, false));

        int waiting = await sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, waiting);
        var (level, message) = Assert.Single(log.Entries, e => e.Message.StartsWith("Reconciled with", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains($"Reconciled with {member}: 2 entries compared, 1 not satisfied here and applied again, 1 still waiting", message);
        Assert.Contains("blob copies: 0 queued, 0 copied and 0 failed since start", message);
    }
}
