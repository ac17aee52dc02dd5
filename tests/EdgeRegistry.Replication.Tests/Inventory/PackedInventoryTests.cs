using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Inventory.Packing;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Tests.Inventory;

/// <summary>
/// The packed inventory against <see cref="ReferenceInventory"/>: the same puts, removes and expiries in random
/// order over a small world of repositories, tags, digests (sha256 and sha512) and nodes, so keys collide,
/// versions tie and tombstones replace entries; after every step both must say the same thing.
/// </summary>
public sealed class PackedInventoryTests
{
    private static readonly RepositoryName[] Repositories = new[] { "team/app", "team/db", "ocp/release", "a" }.Select(RepositoryName.Parse).ToArray();
    private static readonly string[] Tags = ["latest", "v1", "v2", "4.18.3-x86_64"];
    private static readonly string[] Nodes = ["", "10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000"];
    private static readonly Digest[] Digests = Enumerable.Range(0, 10)
        .Select(i => ContentHasher.Compute(i % 4 == 3 ? DigestAlgorithm.Sha512 : DigestAlgorithm.Sha256, [(byte)i])).ToArray();

    private static InventoryEntry RandomEntry(Random random)
    {
        var kind = (EntryKind)random.Next(4);
        var repository = Repositories[random.Next(Repositories.Length)];
        var digest = Digests[random.Next(Digests.Length)];
        long version = random.Next(4); // few versions: ties happen, and the node, delete and digest decide them
        string node = Nodes[random.Next(Nodes.Length)];
        return kind switch
        {
            EntryKind.Blob => new InventoryEntry(kind, random.Next(5) == 0 ? null : repository, null, digest, random.Next(3) * 1000, 0, "", false),
            EntryKind.Manifest => new InventoryEntry(kind, repository, null, digest, random.Next(3) * 100, version, node, random.Next(3) == 0),
            EntryKind.Pull => new InventoryEntry(kind, null, null, digest, 0, version, node, false),
            _ => random.Next(3) == 0
                ? new InventoryEntry(kind, repository, Tags[random.Next(Tags.Length)], null, 0, version, node, true)
                : new InventoryEntry(kind, repository, Tags[random.Next(Tags.Length)], digest, 0, version, node, false),
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Put_RandomUpdates_AgreesWithTheReferenceInEverything(int seed)
    {
        var random = new Random(seed);
        var tables = new InventoryTables();
        var packed = new NodeInventory("e", tables: tables);
        var reference = new ReferenceInventory();
        for (int step = 0; step < 3000; step++)
        {
            var entry = RandomEntry(random);
            switch (random.Next(20))
            {
                case 0:
                    Assert.Equal(reference.Remove(entry.Key), packed.Remove(entry.Key));
                    break;
                case 1:
                    long cutoff = random.Next(4);
                    Assert.Equal(reference.ExpireTombstones(cutoff).ToHashSet(), packed.ExpireTombstones(cutoff).ToHashSet());
                    break;
                case 2:
                    long pulledBefore = random.Next(4);
                    Assert.Equal(reference.ExpirePulls(pulledBefore), packed.ExpirePulls(pulledBefore));
                    break;
                default:
                    Assert.Equal(reference.Put(entry), packed.Put(entry));
                    break;
            }
            Assert.Equal(reference.Get(entry.Key), packed.Get(entry.Key));
            Assert.Equal(reference.Summary(), packed.Summary());
            Assert.Equal(reference.Sequence, packed.Sequence);
            if (step % 100 == 0) AssertSame(reference, packed);
        }
        AssertSame(reference, packed);
    }

    private static void AssertSame(ReferenceInventory reference, NodeInventory packed)
    {
        Assert.Equal(reference.Entries().ToHashSet(), packed.Entries(batch: 7).ToHashSet());
        Assert.Equal(reference.Count, packed.Entries().Count());
        foreach (var digest in Digests) Assert.Equal(reference.HasBlob(digest), packed.HasBlob(digest));
        foreach (var repository in Repositories) Assert.Equal(reference.HasRepository(repository.Value), packed.HasRepository(repository));
        for (long since = 0; since <= reference.Sequence; since += 1 + reference.Sequence / 5)
            Assert.Equal(reference.ChangesSince(since, 50), packed.ChangesSince(since, 50));
        Assert.Equal(reference.Entries().Select(e => e.Version).DefaultIfEmpty(0).Max(), packed.MaxVersion());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Lacking_TwoRandomInventories_AgreesWithComparingEntries(int seed)
    {
        var random = new Random(seed);
        var tables = new InventoryTables();
        var (ours, theirs) = (new NodeInventory("a", tables: tables), new NodeInventory("b", changeFeed: false, tables: tables));
        var (ourReference, theirReference) = (new ReferenceInventory(), new ReferenceInventory());
        for (int step = 0; step < 2000; step++)
        {
            var entry = RandomEntry(random);
            // Mostly the same entries on both sides, as converged nodes hold; sometimes one side only.
            int side = random.Next(4);
            if (side != 1) { ours.Put(entry); ourReference.Put(entry); }
            if (side != 2) { theirs.Put(entry); theirReference.Put(entry); }
            if (step % 50 == 0)
            {
                Assert.Equal(ourReference.Lacking(theirReference), ours.Lacking(theirs));
                Assert.Equal(theirReference.Lacking(ourReference), theirs.Lacking(ours));
            }
        }
    }

    [Fact]
    public void Clear_EveryEntryGone_TablesHoldNothing()
    {
        var random = new Random(6);
        var tables = new InventoryTables();
        var ours = new NodeInventory("a", tables: tables);
        var view = new NodeInventory("b", changeFeed: false, tables: tables);
        for (int step = 0; step < 500; step++)
        {
            var entry = RandomEntry(random);
            ours.Put(entry);
            view.Put(entry with { Version = entry.Version + 1 });
        }

        view.Clear();
        Assert.Equal(0, view.Count);
        Assert.Equal(ours.Count, tables.KeyCount); // the view's keys are all ours too: they stay, once
        foreach (var entry in ours.Snapshot()) ours.Remove(entry.Key);
        Assert.Equal(0, tables.KeyCount);
    }

    [Fact]
    public void Remove_KeyFreedAndReusedByAnother_OldFeedPositionNotRepeated()
    {
        var tables = new InventoryTables();
        var inventory = new NodeInventory("e", tables: tables);
        var first = new InventoryEntry(EntryKind.Tag, Repositories[0], "v1", Digests[0], 0, 1, "n", false);
        var second = new InventoryEntry(EntryKind.Tag, Repositories[1], "v2", Digests[1], 0, 2, "n", false);
        inventory.Put(first);
        inventory.Remove(first.Key);
        inventory.Put(second); // takes the freed key id

        var changes = inventory.ChangesSince(0, 10);

        Assert.Equal([(second, 2L)], changes);
        Assert.Null(inventory.Get(first.Key));
    }

    [Fact]
    public void ChangesSince_ManyUpdatesOfFewKeys_LogCompactedFeedStillInOrder()
    {
        var inventory = new NodeInventory("e", tables: new InventoryTables());
        for (int version = 1; version <= 20_000; version++)
            inventory.Put(new InventoryEntry(EntryKind.Tag, Repositories[version % 2], "v1", Digests[version % 3], 0, version, "n", false));

        var changes = inventory.ChangesSince(0, 100);

        Assert.Equal([19_999L, 20_000L], changes.Select(c => c.Entry.Version));
        Assert.Equal([19_999L, 20_000L], changes.Select(c => c.Sequence));
    }

    [Fact]
    public void HasBlob_SameBlobInTwoRepositories_HeldUntilBothEntriesGo()
    {
        var inventory = new NodeInventory("e", tables: new InventoryTables());
        var inOne = new InventoryEntry(EntryKind.Blob, Repositories[0], null, Digests[3], 5, 0, "", false);
        var inOther = inOne with { Repository = Repositories[1] };
        inventory.Put(inOne);
        inventory.Put(inOther);

        inventory.Remove(inOne.Key);
        Assert.True(inventory.HasBlob(Digests[3]));
        inventory.Remove(inOther.Key);
        Assert.False(inventory.HasBlob(Digests[3]));
    }
}
