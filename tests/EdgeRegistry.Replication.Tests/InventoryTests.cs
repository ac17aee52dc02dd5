using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests;

public sealed class InventoryTests
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("team/app");
    private static readonly Digest D1 = ContentHasher.Compute(DigestAlgorithm.Sha256, "one"u8);
    private static readonly Digest D2 = ContentHasher.Compute(DigestAlgorithm.Sha256, "two"u8);

    private static InventoryEntry TagEntry(Digest? digest, long version, string node, bool deleted = false) =>
        new(EntryKind.Tag, Repo, "v1", digest, 0, version, node, deleted);

    [Fact]
    public void Supersedes_HigherVersionWins_WhateverTheNode()
    {
        Assert.True(TagEntry(D1, 10, "a").Supersedes(TagEntry(D2, 9, "z")));
        Assert.False(TagEntry(D2, 9, "z").Supersedes(TagEntry(D1, 10, "a")));
    }

    [Fact]
    public void Supersedes_SameVersion_NodeThenDeleteThenDigestDecide_SameOnEveryNode()
    {
        Assert.True(TagEntry(D1, 5, "b").Supersedes(TagEntry(D2, 5, "a")));
        Assert.True(TagEntry(null, 5, "a", deleted: true).Supersedes(TagEntry(D1, 5, "a")));
        var (high, low) = string.CompareOrdinal(D1.ToString(), D2.ToString()) > 0 ? (D1, D2) : (D2, D1);
        Assert.True(TagEntry(high, 5, "a").Supersedes(TagEntry(low, 5, "a")));
        Assert.False(TagEntry(low, 5, "a").Supersedes(TagEntry(high, 5, "a")));
        Assert.False(TagEntry(D1, 5, "a").Supersedes(TagEntry(D1, 5, "a")));
    }

    [Fact]
    public void ChangesSince_UpdatedEntry_ReappearsAfterTheCursorOnce()
    {
        var inventory = new NodeInventory("e1");
        inventory.Put(TagEntry(D1, 1, "a"));
        inventory.Put(new InventoryEntry(EntryKind.Blob, Repo, null, D1, 10, 0, "", false));
        long cursor = inventory.Sequence;

        inventory.Put(TagEntry(D2, 2, "a"));

        var changes = inventory.ChangesSince(cursor, 100);
        Assert.Single(changes);
        Assert.Equal(D2, changes[0].Entry.Digest);
        Assert.Equal(2, inventory.Count);
        Assert.False(inventory.Put(TagEntry(D2, 2, "a"))); // unchanged: no new sequence
    }

    [Fact]
    public void Summary_SameEntriesInAnyOrder_SameCountAndHash()
    {
        var entries = new[]
        {
            TagEntry(D1, 1, "a"),
            new InventoryEntry(EntryKind.Blob, Repo, null, D2, 3, 0, "", false),
            new InventoryEntry(EntryKind.Manifest, Repo, null, D1, 7, 4, "b", false),
        };
        var forward = new NodeInventory("x");
        var backward = new NodeInventory("y");
        foreach (var e in entries) forward.Put(e);
        foreach (var e in entries.Reverse()) backward.Put(e);

        Assert.Equal(forward.Summary(), backward.Summary());
        backward.Put(TagEntry(D2, 9, "a"));
        Assert.NotEqual(forward.Summary(), backward.Summary());
    }

    [Fact]
    public void ExpireTombstones_OldDeletesGoLiveEntriesStay()
    {
        var inventory = new NodeInventory("e");
        inventory.Put(TagEntry(null, 100, "a", deleted: true));
        inventory.Put(new InventoryEntry(EntryKind.Manifest, Repo, null, D1, 1, 50, "a", false));

        var expired = inventory.ExpireTombstones(cutoffVersion: 200);

        Assert.Single(expired);
        Assert.Equal(1, inventory.Count);
        Assert.Equal(inventory.Summary(), Rebuilt(inventory).Summary());
    }

    [Fact]
    public void HasBlob_TracksBlobEntries()
    {
        var inventory = new NodeInventory("e");
        inventory.Put(new InventoryEntry(EntryKind.Blob, Repo, null, D1, 1, 0, "", false));

        Assert.True(inventory.HasBlob(D1));
        Assert.False(inventory.HasBlob(D2));
    }

    [Theory]
    [InlineData("q", "team/app", null, "sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t", "Team/App", "v1", "sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t", "team/app", "bad tag", "sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("m", "team/app", null, "sha256:short")]
    [InlineData("m", "../etc", null, "sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t", "team/app", "v1", null)]
    public void FromWire_MalformedPeerEntry_Skipped(string kind, string? repository, string? tag, string? digest)
    {
        Assert.Null(FeedEntries.FromWire(new FeedEntry(kind, repository, tag, digest, 0, 1, "a", false, 1)));
    }

    [Fact]
    public void FromWire_RoundTrip_SameEntry()
    {
        var entry = TagEntry(D1, 42, "10.0.0.1:5000");

        Assert.Equal(entry, FeedEntries.FromWire(FeedEntries.ToWire(entry, 7)));
    }

    [Fact]
    public void Clock_NeverGoesBackAndPassesObservedTimestamps()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
        var clock = new HybridLogicalClock(time);
        long first = clock.Now();
        time.Advance(TimeSpan.FromSeconds(-30)); // the wall clock stepped back
        long second = clock.Now();
        clock.Observe(second + 1000);
        long third = clock.Now();

        Assert.True(second > first);
        Assert.True(third > second + 1000);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T10:00:00Z"), HybridLogicalClock.ToTime(first));
    }

    private static NodeInventory Rebuilt(NodeInventory source)
    {
        var copy = new NodeInventory("copy");
        foreach (var e in source.Snapshot()) copy.Put(e);
        return copy;
    }
}
