using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A reconcile pass takes a blob our own inventory records as linked here on that record, except for one slot of
/// digests in <see cref="EntryApplier.SweepSlots"/> per pass: bytes removed behind the agent's back are still
/// found within that many passes (about 5 minutes at 20 s), on a real store, inventory and applier.
/// </summary>
public sealed class ReconcileSweepTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ReconcileAsync_BlobDataRemovedBehindOurBack_FoundWithinSweepSlotsPasses()
    {
        string member = $"127.0.0.1:{FreePort.Next()}";
        using var rig = new PeerSyncRig(_f, member);
        // Pushed once the inventory is built: recorded by the store's change event, as a copied blob is.
        var content = TestContent.Bytes(300, 7);
        var info = await _f.PutBlobAsync("apps/here", content);
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, RepositoryName.Parse("apps/here"), null, info.Digest, content.Length, 0, "", false));
        File.Delete(_f.BlobDataPath(info.Digest));

        int passes = 0;
        while (passes < EntryApplier.SweepSlots && !rig.Log.Entries.Any(e => e.Message.Contains("1 not satisfied here", StringComparison.Ordinal)))
        {
            await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            passes++;
        }

        Assert.Contains(rig.Log.Entries, e => e.Message.Contains("1 entries compared, 1 not satisfied here and applied again", StringComparison.Ordinal));
        // Found on the pass of its slot, not before: the passes before it did not stat it.
        Assert.Equal((int)((uint)info.Digest.GetHashCode() % EntryApplier.SweepSlots) + 1, passes);
    }

    [Fact]
    public async Task ReconcileAsync_LinkFileRemovedBehindOurBack_LinkedAgainOnItsSlot()
    {
        string member = $"127.0.0.1:{FreePort.Next()}";
        using var rig = new PeerSyncRig(_f, member);
        var repository = RepositoryName.Parse("apps/here");
        var content = TestContent.Bytes(300, 9);
        var info = await _f.PutBlobAsync("apps/here", content);
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, repository, null, info.Digest, content.Length, 0, "", false));
        // The bytes stay; only the repository's link goes, so our own record still says "linked here".
        string link = _f.Store.Paths.LayerLink(repository, info.Digest)!;
        File.Delete(link);

        int passes = 0;
        while (passes < EntryApplier.SweepSlots && !File.Exists(link))
        {
            await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            passes++;
        }

        Assert.True(File.Exists(link), "the link removed behind our back was not made again within the sweep");
        Assert.Equal((int)((uint)info.Digest.GetHashCode() % EntryApplier.SweepSlots) + 1, passes);
        Assert.Equal(content.Length, _f.Store.BlobLength(info.Digest));
    }

    [Fact]
    public async Task ReconcileAsync_BlobIntact_SatisfiedEveryPass()
    {
        string member = $"127.0.0.1:{FreePort.Next()}";
        using var rig = new PeerSyncRig(_f, member);
        // Pushed once the inventory is built: recorded by the store's change event, as a copied blob is.
        var content = TestContent.Bytes(300, 8);
        var info = await _f.PutBlobAsync("apps/here", content);
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, RepositoryName.Parse("apps/here"), null, info.Digest, content.Length, 0, "", false));

        for (int pass = 0; pass < EntryApplier.SweepSlots; pass++)
            Assert.Equal(0, await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.All(rig.Log.Entries.Where(e => e.Message.StartsWith("Reconciled with", StringComparison.Ordinal)),
            e => Assert.Contains("1 entries compared, 0 not satisfied here", e.Message));
    }
}
