using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A reconciliation says what it found at debug level (entries compared, applied again, still waiting, and the
/// fetch queue's totals): on a real store and inventory, against a peer whose address answers nothing, so the
/// entry this node lacks stays waiting.
/// </summary>
public sealed class ReconcileStatisticsTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ReconcileAsync_OneEntryMissingHere_LogsComparedReappliedAndWaitingAtDebug()
    {
        // A member address on loopback with nothing listening: the manifest fetch fails fast.
        string member = $"127.0.0.1:{FreePort.Next()}";
        using var rig = new PeerSyncRig(_f, member);
        var elsewhere = RepositoryName.Parse("apps/not-here");
        // A blob no local manifest needs (satisfied: not worth copying) and a manifest this node lacks (applied again, waits).
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, elsewhere, null, TestContent.Sha256(TestContent.Bytes(100, 1)), 100, 0, "", false));
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Manifest, elsewhere, null, TestContent.Sha256(TestContent.Bytes(200, 2)), 200,
            rig.Clock.Now(), member, false));

        int waiting = await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, waiting);
        var (level, message, _) = Assert.Single(rig.Log.Entries, e => e.Message.StartsWith("Reconciled with", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains($"Reconciled with {member}: 2 entries compared, 1 not satisfied here and applied again, 1 still waiting", message);
        Assert.Contains("blob copies: 0 queued, 0 copied and 0 failed since start", message);
    }
}
