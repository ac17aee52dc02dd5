using EdgeRegistry.Replication.Security;
using EdgeRegistry.Replication.Tests.Transfer;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A peer's sync loop outlives whatever a round throws: a peer that answers its feed with a body that is not a feed
/// page (a lying or broken peer) is logged and backed off from, and the loop keeps asking — it used to end for the
/// life of the process, silently, and the node never synced with that peer again.
/// </summary>
public sealed class PeerSyncResilienceTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_PeerAnswersItsFeedWithGarbage_SyncLogsBacksOffAndKeepsAsking()
    {
        // The peer checks our signature (we sign as Self with the cluster's secret).
        var authenticator = new PeerAuthenticator(PeerSyncRig.Secret, [PeerSyncRig.Self], TimeProvider.System);
        await using var scripted = await ScriptedPeer.StartAsync("127.0.0.2", authenticator);
        scripted.FeedBody = "{\"epoch\": [1, 2, \"not a feed page\""; // cut JSON of the wrong shape
        using var rig = new PeerSyncRig(_f, scripted.Member, feedInterval: TimeSpan.FromMilliseconds(100));
        using var stop = new CancellationTokenSource();

        var running = rig.Sync.RunAsync(stop.Token);
        // Rounds apart from each other: the peer's back-off (0.5 s, doubling) passes between them. Bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (scripted.FeedRequests < 3 && !running.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.False(running.IsCompleted, $"the sync loop ended: {running.Exception?.GetBaseException().Message}");
        Assert.True(scripted.FeedRequests >= 3, $"the peer was asked for its feed {scripted.FeedRequests} times in 30 s");
        Assert.Contains(rig.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"Sync with {scripted.Member} failed", StringComparison.Ordinal));
        Assert.False(rig.State.Reachable);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10)); // ends on cancellation, without throwing
    }
}
