using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests.Convergence;

/// <summary>
/// A blob deleted from a repository here and linked into it again on a peer afterwards (a re-push there): the link is
/// made here at the peer's version, so both nodes hold the same version of it, and nothing is left to apply. A version
/// of this node's own (as a client's mount makes) would outrank the peer's link on every node and come back as churn.
/// </summary>
public sealed class RelinkAfterDeleteTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ReconcileAsync_PeerLinkedTheBlobAgainAfterOurDelete_LinkedHereAtThePeersVersionThenSatisfied()
    {
        string member = $"127.0.0.1:{FreePort.Next()}";
        using var rig = new PeerSyncRig(_f, member);
        var repository = RepositoryName.Parse("apps/here");
        var content = TestContent.Bytes(300, 11);
        var info = await _f.PutBlobAsync("apps/here", content);
        // Still held for another repository, so the bytes stay when the link goes.
        _f.Store.ImportBlob(info.Digest, content, RepositoryName.Parse("apps/other"));
        Assert.True(_f.Store.DeleteBlob(repository, info.Digest));
        var tombstone = _f.Store.Versions.ReadBlob(repository, info.Digest);
        Assert.True(tombstone is { Deleted: true, Node: PeerSyncRig.Self });
        long relinked = tombstone.Version + 1000;
        rig.Peer.View.Inventory.Put(new InventoryEntry(EntryKind.Blob, repository, null, info.Digest, content.Length, relinked, member, false));
        var raised = new List<StoreChange>();
        _f.Store.Changed += change => { lock (raised) raised.Add(change); };

        await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(_f.Store.StatBlob(repository, info.Digest));
        lock (raised)
        {
            var change = Assert.Single(raised);
            Assert.Equal((StoreChangeKind.BlobCommitted, (ChangeVersion?)new ChangeVersion(relinked, member)), (change.Kind, change.Version));
        }
        var record = _f.Store.Versions.ReadBlob(repository, info.Digest);
        Assert.Equal((relinked, member, false), (record!.Version, record.Node, record.Deleted));
        // The next pass finds both nodes at the same version: nothing to apply, in either direction.
        Assert.Equal(0, await rig.Sync.ReconcileAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
