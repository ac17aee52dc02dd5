using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Capacity;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Storage.Tests.Blobs;

/// <summary>
/// A small replicated blob imported whole from memory (<see cref="IRegistryStore.ImportBlob"/>): verified before a byte
/// is written, its data and layer link published in one durable round, announced only once that round's fsync
/// returned. Failures first: a power cut, a failed fsync, a full disk, wrong bytes, a tombstone.
/// </summary>
public sealed class ImportBlobTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("library/app");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string TempArea => _f.Store.Paths.Temp;

    [Fact]
    public void ImportBlob_PowerCutAfterItReturned_DataAndLinkSurvive()
    {
        byte[] content = TestContent.Bytes(20_000, 1);
        var digest = TestContent.Sha256(content);

        _f.Store.ImportBlob(digest, content, Repo);

        var store = _f.PowerCutAndRestart();
        Assert.Equal(new BlobInfo(digest, content.Length), store.StatBlob(Repo, digest));
        Assert.Equal(content, File.ReadAllBytes(store.Paths.BlobData(digest)));
        Assert.Equal(digest.ToString(), File.ReadAllText(store.Paths.LayerLink(Repo, digest)));
    }

    [Fact]
    public void ImportBlob_SharedFsyncFails_IoFailureUnannouncedAndNothingSurvivesTheCut()
    {
        byte[] content = TestContent.Bytes(5000, 2);
        var digest = TestContent.Sha256(content);
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        _f.Faults.FailFsync(p => p == TempArea);

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportBlob(digest, content, Repo));

        Assert.Equal(StoreError.IoFailure, e.Error);
        Assert.Empty(changes);
        var store = _f.PowerCutAndRestart();
        Assert.Null(store.StatBlob(Repo, digest));
        Assert.Empty(_f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    [Fact]
    public void ImportBlob_LinkWriteFails_StorageFullNoLinkAndNoTempFileLeft()
    {
        byte[] content = TestContent.Bytes(30_000, 3);
        var digest = TestContent.Sha256(content);
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        // The data's temporary file gets its bytes; the link's, written next, finds the disk full.
        _f.Faults.FailWritesAfter(content.Length, p => p.StartsWith(TempArea, StringComparison.Ordinal));

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportBlob(digest, content, Repo));

        Assert.Equal(StoreError.StorageFull, e.Error);
        Assert.True(_f.Faults.Injected > 0);
        _f.Faults.Clear();
        Assert.Empty(changes);
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Empty(_f.VisibleFiles()); // nothing was renamed: the data waits for its link's file to be written
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void ImportBlob_RealDiskFull_StorageFullNothingVisibleAndStoredContentIntact()
    {
        using var mount = ScratchMount.Mount("tmpfs", "size=2m");
        // The guard off: the kernel's ENOSPC, not the guard's refusal, is what this shows.
        using var full = new StoreFixture(new StoreOptions { Root = "unused", DiskGuard = DiskGuardOptions.None }, root: mount.Path);
        byte[] stored = TestContent.Bytes(4000, 4);
        full.Store.ImportBlob(TestContent.Sha256(stored), stored, Repo);
        var before = full.Snapshot();
        FillUpTo(mount.Path, leave: 16 * 1024);
        byte[] content = TestContent.Bytes(60_000, 5);
        var digest = TestContent.Sha256(content);

        var e = Assert.Throws<StoreException>(() => full.Store.ImportBlob(digest, content, Repo));

        Assert.Equal(StoreError.StorageFull, e.Error);
        Assert.Equal(0, full.Faults.Injected);
        Assert.Null(full.Store.StatBlob(Repo, digest));
        Assert.Equal(before, full.Snapshot());
        Assert.Empty(Directory.EnumerateFileSystemEntries(full.Store.Paths.Temp));
    }

    [Fact]
    public void ImportBlob_DiskGuardRefuses_SpaceLimitAndNothingWritten()
    {
        using var guarded = new StoreFixture(new StoreOptions
        {
            Root = "unused",
            DiskGuard = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(0), MaxStoreBytes = 1 },
        });
        byte[] content = TestContent.Bytes(10_000, 6);
        var digest = TestContent.Sha256(content);
        int fileSyncs = guarded.Sync.FileSyncs;

        var e = Assert.Throws<StoreException>(() => guarded.Store.ImportBlob(digest, content, Repo));

        Assert.Equal(StoreError.SpaceLimit, e.Error);
        Assert.Equal(fileSyncs, guarded.Sync.FileSyncs);
        Assert.Empty(guarded.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(guarded.Store.Paths.Temp));
    }

    [Fact]
    public void ImportBlob_WrongBytes_DigestMismatchNothingWrittenNothingAnnounced()
    {
        byte[] content = TestContent.Bytes(8000, 7);
        var digest = TestContent.Sha256(content);
        byte[] lie = (byte[])content.Clone();
        lie[^1] ^= 0xFF;
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;
        int fileSyncs = _f.Sync.FileSyncs;

        var e = Assert.Throws<StoreException>(() => _f.Store.ImportBlob(digest, lie, Repo));

        Assert.Equal(StoreError.DigestMismatch, e.Error);
        Assert.Equal(digest.ToString(), e.Detail);
        Assert.Equal(fileSyncs, _f.Sync.FileSyncs); // refused in memory: not a byte reached the disk
        Assert.Empty(changes);
        Assert.Null(_f.Store.BlobLength(digest));
        Assert.Empty(_f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void ImportBlob_TombstonedInTheRepository_LinkNotResurrectedNothingAnnouncedDataKept()
    {
        byte[] content = TestContent.Bytes(3000, 8);
        var digest = TestContent.Sha256(content);
        _f.Store.Versions.WriteBlob(Repo, digest, new VersionRecord(7, "node-b", Deleted: true));
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        var info = _f.Store.ImportBlob(digest, content, Repo);

        Assert.Equal(new BlobInfo(digest, content.Length), info);
        Assert.Empty(changes);
        Assert.False(File.Exists(_f.Store.Paths.LayerLink(Repo, digest)));
        Assert.Null(_f.Store.StatBlob(Repo, digest));
        Assert.Equal(content.Length, _f.Store.BlobLength(digest)); // for other repositories, or the collector
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void ImportBlob_VerifiedBytes_DataAndLinkInOneRoundAnnouncedOnceAfterIt()
    {
        byte[] content = TestContent.Bytes(64 * 1024, 9);
        var digest = TestContent.Sha256(content);
        var announced = new List<(StoreChange Change, int Pending, long Rounds)>();
        // What a listener (the replication feed, the inventory) sees when it is told: nothing a cut could take back.
        _f.Store.Changed += change => announced.Add((change, _f.Faults.PowerCut.Pending, _f.Store.TempDirectorySyncs));
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs, directorySyncs = _f.Sync.DirectorySyncs;

        var info = _f.Store.ImportBlob(digest, content, RepositoryName.Parse("edge/new/nested"));

        Assert.Equal(new BlobInfo(digest, content.Length), info);
        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds);
        Assert.Equal(1, _f.Sync.DirectorySyncs - directorySyncs); // no other directory's either
        Assert.Equal(2, _f.Sync.FileSyncs - fileSyncs); // the data's and the link's
        var (change, pending, roundsThen) = Assert.Single(announced);
        Assert.Equal((StoreChangeKind.BlobCommitted, digest, (long)content.Length), (change.Kind, change.Digest!.Value, change.Size));
        Assert.Equal(0, pending);
        Assert.Equal(rounds + 1, roundsThen);
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Equal(digest.ToString(), File.ReadAllText(_f.Store.Paths.LayerLink(RepositoryName.Parse("edge/new/nested"), digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void ImportBlob_DataAlreadyStored_OnlyTheLinkWrittenStillOneRound()
    {
        byte[] content = TestContent.Bytes(1000, 10);
        var digest = TestContent.Sha256(content);
        _f.Store.ImportBlob(digest, content, Repo);
        var other = RepositoryName.Parse("library/other");
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs;

        _f.Store.ImportBlob(digest, content, other);

        Assert.Equal(1, _f.Sync.FileSyncs - fileSyncs);
        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds);
        Assert.Equal(new BlobInfo(digest, content.Length), _f.Store.StatBlob(other, digest));
    }

    [Fact]
    public void BeginBlobImport_TheStreamedCommit_TakesTwoRoundsWhereImportBlobTakesOne()
    {
        byte[] content = TestContent.Bytes(4000, 11);
        var digest = TestContent.Sha256(content);
        long rounds = _f.Store.TempDirectorySyncs;

        using (var import = _f.Store.BeginBlobImport(digest, content.Length))
        {
            import.Write(content);
            import.Commit(Repo);
        }

        Assert.Equal(2, _f.Store.TempDirectorySyncs - rounds); // data, then link: why small blobs take ImportBlob
    }

    [Fact]
    public async Task ImportBlob_ConcurrentSameDigest_AllSucceedOneCorrectBlobEveryLinkMade()
    {
        byte[] content = TestContent.Bytes(40_000, 12);
        var digest = TestContent.Sha256(content);
        var repositories = Enumerable.Range(0, 8).Select(i => RepositoryName.Parse($"edge/same{i}")).ToList();

        var results = await Task.WhenAll(repositories.Select(r => Task.Run(() => _f.Store.ImportBlob(digest, content, r))));

        Assert.All(results, r => Assert.Equal(new BlobInfo(digest, content.Length), r));
        Assert.All(repositories, r => Assert.Equal(content.Length, _f.Store.StatBlob(r, digest)?.Length));
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        var store = _f.PowerCutAndRestart();
        Assert.All(repositories, r => Assert.NotNull(store.StatBlob(r, digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    /// <summary>Fills the file system at <paramref name="path"/> until about <paramref name="leave"/> bytes are free.</summary>
    private static void FillUpTo(string path, long leave)
    {
        var drive = new DriveInfo(path);
        long fill = drive.AvailableFreeSpace - leave;
        using var stream = new FileStream(Path.Combine(path, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        var chunk = new byte[64 * 1024];
        for (; fill > 0; fill -= chunk.Length) stream.Write(chunk, 0, (int)Math.Min(chunk.Length, fill));
    }
}
