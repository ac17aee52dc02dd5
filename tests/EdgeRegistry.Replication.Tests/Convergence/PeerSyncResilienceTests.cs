using System.Collections.Concurrent;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Replication.Tests.Transfer;
using EdgeRegistry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A peer's sync loop outlives whatever a round throws: a peer that answers its feed with a body that is not a feed
/// page (a lying or broken peer) is logged and backed off from, and the loop keeps asking — it used to end for the
/// life of the process, silently, and the node never synced with that peer again.
/// </summary>
public sealed class PeerSyncResilienceTests : IDisposable
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

    private sealed class Recorder : ILogger<PeerSync>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }

    [Fact]
    public async Task RunAsync_PeerAnswersItsFeedWithGarbage_SyncLogsBacksOffAndKeepsAsking()
    {
        // The peer checks our signature (we sign as Self); the client signs with the same secret.
        var authenticator = new PeerAuthenticator(Secret, [Self], TimeProvider.System);
        await using var scripted = await ScriptedPeer.StartAsync("127.0.0.2", authenticator);
        scripted.FeedBody = "{\"epoch\": [1, 2, \"not a feed page\""; // cut JSON of the wrong shape
        var state = new PeerState(scripted.Member, TimeProvider.System);
        var peer = new Peer(state, new PeerClient(state, _http, authenticator, Self, useTls: false, StoreOptions.DefaultMaxManifestBytes), new PeerView());
        var peers = new PeerSet([peer]);
        var clients = new ClientActivity();
        var fetcher = new BlobFetcher(_f.Store, peers, new TokenBucket(0, TimeProvider.System), NullLogger<BlobFetcher>.Instance, new ReplicationCounters(), clients);
        var fetches = new FetchQueue(fetcher, clients, workers: 1, smallWorkers: 1);
        var clock = new HybridLogicalClock(TimeProvider.System);
        var local = new LocalInventory(_f.Store, new VersionFiles(_f.Store), clock, Self);
        local.Build();
        var applier = new EntryApplier(_f.Store, local, fetches, NullLogger<EntryApplier>.Instance);
        var log = new Recorder();
        var options = new ReplicationOptions { Self = Self, Peers = [scripted.Member], Secret = Secret, FeedInterval = TimeSpan.FromMilliseconds(100) };
        var sync = new PeerSync(peer, applier, clock, fetches, options, TimeProvider.System, log);
        using var stop = new CancellationTokenSource();

        var running = sync.RunAsync(stop.Token);
        // Two rounds apart from each other: the peer's back-off (0.5 s, doubling) passes between them. Bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (scripted.FeedRequests < 3 && !running.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.False(running.IsCompleted, $"the sync loop ended: {running.Exception?.GetBaseException().Message}");
        Assert.True(scripted.FeedRequests >= 3, $"the peer was asked for its feed {scripted.FeedRequests} times in 30 s");
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"Sync with {scripted.Member} failed", StringComparison.Ordinal));
        Assert.False(state.Reachable);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10)); // ends on cancellation, without throwing
    }
}
