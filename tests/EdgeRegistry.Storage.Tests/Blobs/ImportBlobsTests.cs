using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Capacity;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Storage.Tests.Blobs;

/// <summary>
/// A batch of small replicated blobs imported in one durable round (<see cref="IRegistryStore.ImportBlobs"/>): every
/// file fsynced at the same moment, one fsync of the temp directory for all the renames, each blob announced after it.
/// Failures first: a power cut in the middle of the round, a lying blob among honest ones, a tombstone, the disk
/// guard, and batches contending for the same locks as single writes.
/// </summary>
public sealed class ImportBlobsTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static List<SmallBlob> Batch(int count, int seed, int repositories = 4) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            byte[] content = TestContent.Bytes(500 + 97 * i, seed * 100 + i);
            return new SmallBlob(TestContent.Sha256(content), content, RepositoryName.Parse($"edge/batch{i % repositories}"));
        })];

    [Fact]
    public void ImportBlobs_SixteenBlobsInFourRepositories_OneRoundForAllAnnouncedEachAfterIt()
    {
        var blobs = Batch(16, 1);
        var announced = new List<(StoreChange Change, int Pending)>();
        // What a listener (the replication feed, the inventory) sees when it is told: nothing a cut could take back.
        _f.Store.Changed += change => announced.Add((change, _f.Faults.PowerCut.Pending));
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs, directorySyncs = _f.Sync.DirectorySyncs;

        var outcomes = _f.Store.ImportBlobs(blobs);

        Assert.All(outcomes, Assert.Null);
        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds);
        Assert.Equal(1, _f.Sync.DirectorySyncs - directorySyncs); // no other directory's either
        Assert.Equal(32, _f.Sync.FileSyncs - fileSyncs); // each blob's data and link
        Assert.Equal(blobs.Select(b => (StoreChangeKind.BlobCommitted, b.Repository, b.Digest)),
            announced.Select(a => (a.Change.Kind, a.Change.Repository, a.Change.Digest!.Value)));
        Assert.All(announced, a => Assert.Equal(0, a.Pending));
        var store = _f.PowerCutAndRestart();
        Assert.All(blobs, b => Assert.Equal(new BlobInfo(b.Digest, b.Content.Length), store.StatBlob(b.Repository, b.Digest)));
        Assert.All(blobs, b => Assert.Equal(b.Content.ToArray(), File.ReadAllBytes(store.Paths.BlobData(b.Digest))));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    [Fact]
    public void ImportBlobs_OneOfFourLies_ItsMismatchReturnedTheOthersStoredNotAByteOfItWritten()
    {
        var blobs = Batch(4, 2);
        byte[] lie = blobs[1].Content.ToArray();
        lie[^1] ^= 0xFF;
        blobs[1] = blobs[1] with { Content = lie };
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        var outcomes = _f.Store.ImportBlobs(blobs);

        var mismatch = Assert.IsType<StoreException>(outcomes[1]);
        Assert.Equal((StoreError.DigestMismatch, blobs[1].Digest.ToString()), (mismatch.Error, mismatch.Detail));
        Assert.Equal(new[] { true, false, true, true }, outcomes.Select(o => o is null));
        Assert.Null(_f.Store.BlobLength(blobs[1].Digest));
        Assert.False(File.Exists(_f.Store.Paths.LayerLink(blobs[1].Repository, blobs[1].Digest)));
        Assert.Equal(new[] { blobs[0].Digest, blobs[2].Digest, blobs[3].Digest }, changes.Select(c => c.Digest!.Value));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }

    [Fact]
    public void ImportBlobs_AllLie_NothingWrittenNoRound()
    {
        var blobs = Batch(3, 3).Select(b => b with { Content = new byte[] { 1, 2, 3 } }).ToList();
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs;

        var outcomes = _f.Store.ImportBlobs(blobs);

        Assert.All(outcomes, o => Assert.Equal(StoreError.DigestMismatch, o?.Error));
        Assert.Equal((0, 0L), (_f.Sync.FileSyncs - fileSyncs, _f.Store.TempDirectorySyncs - rounds));
        Assert.Empty(_f.VisibleFiles());
    }

    [Fact]
    public void ImportBlobs_RenameOfTheThirdBlobFails_IoFailureNothingAnnouncedAndTheCutKeepsNoLinkWithoutItsData()
    {
        var blobs = Batch(6, 4);
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        string third = _f.Store.Paths.BlobData(blobs[2].Digest);
        _f.Faults.FailMoves(p => p == third);

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportBlobs(blobs));

        Assert.Equal(StoreError.IoFailure, e.Error);
        Assert.Empty(changes);
        _f.Faults.Clear();
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp)); // the staged files of the rest are gone
        var store = _f.PowerCutAndRestart();
        // The round's fsync never ran: the cut takes back every rename it made, and whatever it kept, no link without its data.
        foreach (var blob in blobs)
        {
            if (File.Exists(store.Paths.LayerLink(blob.Repository, blob.Digest))) Assert.NotNull(store.BlobLength(blob.Digest));
        }
        Assert.Empty(_f.VisibleFiles());
        // Stored again blob by blob, as the fetcher does after a failed round, every one of them lands.
        Assert.All(blobs, b => store.ImportBlob(b.Digest, b.Content, b.Repository));
        Assert.All(blobs, b => Assert.NotNull(store.StatBlob(b.Repository, b.Digest)));
    }

    [Fact]
    public void ImportBlobs_OneTombstonedInItsRepository_ItsDataKeptUnlinkedTheRestLinkedAndAnnounced()
    {
        var blobs = Batch(4, 5);
        _f.Store.Versions.WriteBlob(blobs[3].Repository, blobs[3].Digest, new VersionRecord(7, "node-b", Deleted: true));
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        var outcomes = _f.Store.ImportBlobs(blobs);

        Assert.All(outcomes, Assert.Null);
        Assert.Equal(blobs.Take(3).Select(b => b.Digest), changes.Select(c => c.Digest!.Value));
        Assert.Null(_f.Store.StatBlob(blobs[3].Repository, blobs[3].Digest));
        Assert.Equal(blobs[3].Content.Length, _f.Store.BlobLength(blobs[3].Digest)); // for other repositories, or the collector
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }

    [Fact]
    public void ImportBlobs_AlreadyStoredAndLinked_NoFileWrittenOneRoundEachAnnouncedAgain()
    {
        var blobs = Batch(5, 6);
        _f.Store.ImportBlobs(blobs);
        int fileSyncs = _f.Sync.FileSyncs;
        long rounds = _f.Store.TempDirectorySyncs;
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        Assert.All(_f.Store.ImportBlobs(blobs), Assert.Null);

        Assert.Equal(0, _f.Sync.FileSyncs - fileSyncs);
        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds); // what another writer renamed is durable before it is announced
        Assert.Equal(5, changes.Count);
    }

    [Fact]
    public void ImportBlobs_DiskGuardCannotFitTheBatch_SpaceLimitForAllAndNothingWritten()
    {
        using var guarded = new StoreFixture(new StoreOptions
        {
            Root = "unused",
            DiskGuard = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(0), MaxStoreBytes = 64 * 1024 },
        });
        var blobs = Batch(16, 7).Select(b => b with { Content = TestContent.Bytes(8000, b.Content.Length) }).ToList();
        blobs = [.. blobs.Select(b => b with { Digest = TestContent.Sha256(b.Content.ToArray()) })];
        int fileSyncs = guarded.Sync.FileSyncs;

        var e = Assert.Throws<StoreException>(() => guarded.Store.ImportBlobs(blobs));

        Assert.Equal(StoreError.SpaceLimit, e.Error);
        Assert.Equal(fileSyncs, guarded.Sync.FileSyncs);
        Assert.Empty(guarded.VisibleFiles());
        // One alone fits: the fetcher then stores them one by one, and the guard names the first that does not.
        guarded.Store.ImportBlob(blobs[0].Digest, blobs[0].Content, blobs[0].Repository);
        Assert.NotNull(guarded.Store.StatBlob(blobs[0].Repository, blobs[0].Digest));
    }

    [Fact]
    public async Task ImportBlobs_ConcurrentOverlappingBatchesSingleImportsAndDeletes_AllEndAndTheStoreAgrees()
    {
        // Eight writers of 16-blob batches over the same few repositories and digests (the stripes of their links
        // overlap), beside single imports and deletes of the same links: ordered entry of the stripes must not deadlock.
        var pool = Batch(48, 8, repositories: 3);
        var rounds = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (int round = 0; round < 6; round++)
            {
                var batch = Enumerable.Range(0, 16).Select(i => pool[(w * 7 + round * 5 + i * 3) % pool.Count]).DistinctBy(b => b.Digest).ToList();
                Assert.All(_f.Store.ImportBlobs(batch), Assert.Null);
            }
        })).ToList();
        var singles = Task.Run(() =>
        {
            for (int i = 0; i < 48; i++)
            {
                var blob = pool[(i * 11) % pool.Count];
                _f.Store.ImportBlob(blob.Digest, blob.Content, RepositoryName.Parse("edge/single"));
                if (i % 3 == 0) _f.Store.DeleteBlob(RepositoryName.Parse("edge/single"), blob.Digest);
            }
        });

        await Task.WhenAll([.. rounds, singles]).WaitAsync(TimeSpan.FromSeconds(60));

        var store = _f.PowerCutAndRestart();
        foreach (var blob in pool)
        {
            // Every batch that returned made its blobs durable: the data of each, and its link where a batch held it.
            Assert.Equal(blob.Content.ToArray(), File.ReadAllBytes(store.Paths.BlobData(blob.Digest)));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }
}
