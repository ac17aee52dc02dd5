using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Storage.Tests.Blobs;

/// <summary>
/// Replication's link of a blob whose bytes are here (<see cref="IRegistryStore.LinkReplicatedBlob"/>) against a
/// tombstone of the link: never made again by a copy, nor by a peer's link older than the delete; made by a peer's
/// link newer than it, and raised at the peer's version (not a new one of this node's own).
/// </summary>
public sealed class LinkReplicatedBlobTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("library/app");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private (Digest Digest, List<StoreChange> Changes) HeldAndTombstonedAt(long version)
    {
        byte[] content = TestContent.Bytes(2000, (int)version);
        var digest = TestContent.Sha256(content);
        _f.Store.ImportBlob(digest, content, RepositoryName.Parse("library/other"));
        _f.Store.Versions.WriteBlob(Repo, digest, new VersionRecord(version, "node-a", Deleted: true));
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        return (digest, changes);
    }

    [Fact]
    public void LinkReplicatedBlob_TombstonedAndNoVersion_NotLinkedNothingRaised()
    {
        var (digest, changes) = HeldAndTombstonedAt(50);

        Assert.False(_f.Store.LinkReplicatedBlob(Repo, digest));

        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Empty(changes);
    }

    [Fact]
    public void LinkReplicatedBlob_PeerLinkedItAgainAfterTheDelete_LinkedAndRaisedAtThePeersVersion()
    {
        var (digest, changes) = HeldAndTombstonedAt(50);

        Assert.True(_f.Store.LinkReplicatedBlob(Repo, digest, new ChangeVersion(60, "node-b")));

        Assert.NotNull(_f.Store.StatBlob(Repo, digest));
        var change = Assert.Single(changes);
        Assert.Equal((StoreChangeKind.BlobCommitted, Repo, digest, (ChangeVersion?)new ChangeVersion(60, "node-b")),
            (change.Kind, change.Repository, change.Digest!.Value, change.Version));
    }

    [Fact]
    public void LinkReplicatedBlob_PeersLinkOlderThanTheDelete_NotLinkedTheDeleteStands()
    {
        var (digest, changes) = HeldAndTombstonedAt(50);

        Assert.False(_f.Store.LinkReplicatedBlob(Repo, digest, new ChangeVersion(40, "node-b")));

        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Empty(changes);
        Assert.Equal(new VersionRecord(50, "node-a", Deleted: true), _f.Store.Versions.ReadBlob(Repo, digest)! with { Digest = null });
    }
}
