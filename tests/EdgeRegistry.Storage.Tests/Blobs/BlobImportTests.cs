using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Blobs;

/// <summary>
/// Blobs imported from a peer (replication): whatever the peer sends, only bytes that verify against the digest
/// become visible, and a failed, aborted or crashed import leaves nothing behind but temp files recovery clears.
/// </summary>
public sealed class BlobImportTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("library/app");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string TempArea => Path.Combine(_f.Root, ".edgereg", "tmp");

    private static void WriteInChunks(BlobImport import, byte[] content, int chunk = 1 << 20)
    {
        for (int at = 0; at < content.Length; at += chunk) import.Write(content.AsSpan(at, Math.Min(chunk, content.Length - at)));
    }

    [Fact]
    public void Commit_VerifiedBytes_VisibleLinkedAnnouncedAndTempEmpty()
    {
        byte[] content = TestContent.Bytes(20 << 20, 1); // several early-writeback windows
        var digest = TestContent.Sha256(content);
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        using (var import = _f.Store.BeginBlobImport(digest, content.Length))
        {
            WriteInChunks(import, content, chunk: 3 << 20);
            Assert.Null(_f.Store.BlobLength(digest)); // nothing visible before the commit
            var info = import.Commit(Repo);
            Assert.Equal(new BlobInfo(digest, content.Length), info);
        }

        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Equal(content.Length, _f.Store.StatBlob(Repo, digest)?.Length);
        var change = Assert.Single(changes);
        Assert.Equal((StoreChangeKind.BlobCommitted, digest, (long)content.Length), (change.Kind, change.Digest!.Value, change.Size));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void Commit_WrongBytesOfTheRightLength_DigestMismatchNothingVisible()
    {
        byte[] content = TestContent.Bytes(1 << 20, 2);
        var digest = TestContent.Sha256(content);
        byte[] lie = (byte[])content.Clone();
        lie[lie.Length / 2] ^= 0xFF;

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        WriteInChunks(import, lie, chunk: 100_000);
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.DigestMismatch, e.Error);
        AssertNothingOf(digest);
    }

    [Fact]
    public void Commit_ShortData_UploadInvalidNothingVisible()
    {
        byte[] content = TestContent.Bytes(1 << 20, 3);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content.AsSpan(0, content.Length - 1));
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.UploadInvalid, e.Error);
        AssertNothingOf(digest);
    }

    [Fact]
    public void Write_MoreThanAnnounced_RefusedAtOnceNothingVisible()
    {
        byte[] content = TestContent.Bytes(1 << 20, 4);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content);
        var e = Assert.Throws<StoreException>(() => import.Write(new byte[1]));

        Assert.Equal(StoreError.UploadInvalid, e.Error);
        Assert.Throws<ObjectDisposedException>(() => import.Commit(Repo));
        AssertNothingOf(digest);
    }

    [Fact]
    public void Commit_UnknownSizePeerSendsAnExtraByte_DigestMismatch()
    {
        byte[] content = TestContent.Bytes(300_000, 5);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, size: null);
        import.Write(content);
        import.Write(new byte[] { 0 });

        Assert.Equal(StoreError.DigestMismatch, Assert.Throws<StoreException>(() => import.Commit(Repo)).Error);
        AssertNothingOf(digest);
    }

    [Fact]
    public void Abort_OrDisposeWithoutCommit_LeavesNothing()
    {
        byte[] content = TestContent.Bytes(1 << 20, 6);
        var digest = TestContent.Sha256(content);

        var aborted = _f.Store.BeginBlobImport(digest, content.Length);
        aborted.Write(content);
        aborted.Abort();
        aborted.Abort(); // idempotent
        using (var disposed = _f.Store.BeginBlobImport(digest, content.Length))
        {
            disposed.Write(content.AsSpan(0, 1000));
        }

        AssertNothingOf(digest);
    }

    [Fact]
    public async Task Commit_ConcurrentImportsOfTheSameDigest_AllSucceedOneCorrectBlob()
    {
        byte[] content = TestContent.Bytes(4 << 20, 7);
        var digest = TestContent.Sha256(content);

        var imports = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var import = _f.Store.BeginBlobImport(digest, content.Length);
            WriteInChunks(import, content, chunk: 64 << 10);
            return import.Commit(Repo);
        }));
        var results = await Task.WhenAll(imports);

        Assert.All(results, r => Assert.Equal(new BlobInfo(digest, content.Length), r));
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void Commit_ConcurrentHonestAndLyingImports_OnlyTheHonestBytesEverVisible()
    {
        byte[] content = TestContent.Bytes(2 << 20, 8);
        var digest = TestContent.Sha256(content);
        byte[] lie = TestContent.Bytes(content.Length, 9);

        using var liar = _f.Store.BeginBlobImport(digest, content.Length);
        using var honest = _f.Store.BeginBlobImport(digest, content.Length);
        liar.Write(lie);
        honest.Write(content);
        honest.Commit(Repo);
        Assert.Throws<StoreException>(() => liar.Commit(Repo));

        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void Crash_MidImport_NothingVisibleAndRecoveryClearsTheTempFile()
    {
        byte[] content = TestContent.Bytes(1 << 20, 10);
        var digest = TestContent.Sha256(content);
        var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content.AsSpan(0, content.Length / 2));
        // The process dies here: neither commit nor abort runs.

        var restarted = _f.Reopen();

        Assert.Null(restarted.BlobLength(digest));
        Assert.Empty(_f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
        import.Abort(); // the old process's handle, for the test's own cleanup
    }

    [Fact]
    public void Commit_FsyncFails_NothingVisibleAndTempRemoved()
    {
        byte[] content = TestContent.Bytes(1 << 20, 11);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailFsync(p => p.StartsWith(TempArea, StringComparison.Ordinal));

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content);
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.IoFailure, e.Error);
        Assert.True(_f.Faults.Injected > 0);
        _f.Faults.Clear();
        AssertNothingOf(digest);
    }

    [Fact]
    public void Write_DiskFull_StorageFullNothingVisible()
    {
        byte[] content = TestContent.Bytes(2 << 20, 12);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailWritesAfter(1 << 20, p => p.StartsWith(TempArea, StringComparison.Ordinal));

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        var e = Assert.Throws<StoreException>(() => WriteInChunks(import, content, chunk: 256 << 10));

        Assert.Equal(StoreError.StorageFull, e.Error);
        _f.Faults.Clear();
        AssertNothingOf(digest);
    }

    [Fact]
    public void AdoptHash_CallerHashedExactlyWhatWasWritten_CommitsOnTheCallersHash()
    {
        byte[] content = TestContent.Bytes(3 << 20, 20);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        var hasher = import.TakeHash();
        for (int at = 0; at < content.Length; at += 1 << 20)
        {
            hasher.Append(content.AsSpan(at, 1 << 20));
            import.WritePrehashed(content.AsSpan(at, 1 << 20));
        }
        Assert.True(import.AdoptHash(hasher, content.Length));
        import.Commit(Repo);

        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void AdoptHash_CallerHashedMoreThanReachedTheDisk_RefusedAndAResumeFromALiarIsCaught()
    {
        // A read-through whose store copy was dropped: the client side hashed the whole blob, the disk holds a prefix.
        byte[] content = TestContent.Bytes(4 << 20, 21);
        var digest = TestContent.Sha256(content);
        byte[] lie = (byte[])content.Clone();
        lie[^10] ^= 0xFF;
        int prefix = 2 << 20;

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        using var whole = import.TakeHash();
        whole.Append(content);
        import.WritePrehashed(content.AsSpan(0, prefix));
        Assert.False(import.AdoptHash(whole, content.Length));
        import.Write(lie.AsSpan(prefix)); // the resume, from a peer that lies about the rest
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.DigestMismatch, e.Error);
        AssertNothingOf(digest);
    }

    [Fact]
    public void WritePrehashed_HashNeverHandedOverThenResumed_ImportHashesItsFileFirst()
    {
        byte[] content = TestContent.Bytes(3 << 20, 22);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        using var taken = import.TakeHash(); // and never handed back
        import.WritePrehashed(content.AsSpan(0, 1 << 20));
        import.Write(content.AsSpan(1 << 20)); // resumed: the prefix is hashed from the file before this
        import.Commit(Repo);

        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    [Fact]
    public void WritePrehashed_HashNeverHandedOverAndTheBytesAreWrong_DigestMismatchNothingVisible()
    {
        byte[] content = TestContent.Bytes(2 << 20, 23);
        var digest = TestContent.Sha256(content);
        byte[] lie = (byte[])content.Clone();
        lie[1 << 20] ^= 0xFF;

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        using var taken = import.TakeHash();
        import.WritePrehashed(lie);
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.DigestMismatch, e.Error);
        AssertNothingOf(digest);
    }

    [Fact]
    public void WritePrehashed_WithoutTakingTheHash_Refused()
    {
        byte[] content = TestContent.Bytes(1 << 20, 24);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content.AsSpan(0, 1000));

        Assert.Throws<InvalidOperationException>(() => import.WritePrehashed(content.AsSpan(1000)));
    }

    [Fact]
    public void TakeHash_AfterHashedWrites_CallerContinuesItAndTheImportReadsItsPrefixBack()
    {
        // A client taking over a background copy: the prefix is read back for the client, the hash goes on from it.
        byte[] content = TestContent.Bytes(3 << 20, 27);
        var digest = TestContent.Sha256(content);
        int prefix = (1 << 20) + 12345;

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        import.Write(content.AsSpan(0, prefix));
        var hasher = import.TakeHash();
        var readBack = new byte[prefix + 10];
        int read = 0;
        while (import.ReadWritten(read, readBack.AsSpan(read)) is var n && n > 0) read += n;
        hasher.Append(content.AsSpan(prefix));
        import.WritePrehashed(content.AsSpan(prefix));
        Assert.True(import.AdoptHash(hasher, content.Length));
        import.Commit(Repo);

        Assert.Equal(prefix, read);
        Assert.Equal(content.AsSpan(0, prefix).ToArray(), readBack.AsSpan(0, prefix).ToArray());
        Assert.Equal(content, File.ReadAllBytes(_f.BlobDataPath(digest)));
    }

    [Fact]
    public void WritePrehashed_DiskFull_StorageFullNothingVisible()
    {
        byte[] content = TestContent.Bytes(2 << 20, 25);
        var digest = TestContent.Sha256(content);
        _f.Faults.FailWritesAfter(1 << 20, p => p.StartsWith(TempArea, StringComparison.Ordinal));

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        using var taken = import.TakeHash();
        var e = Assert.Throws<StoreException>(() =>
        {
            for (int at = 0; at < content.Length; at += 256 << 10) import.WritePrehashed(content.AsSpan(at, 256 << 10));
        });

        Assert.Equal(StoreError.StorageFull, e.Error);
        _f.Faults.Clear();
        AssertNothingOf(digest);
    }

    [Fact]
    public void Commit_ReadingTheFileBackFails_IoFailureNothingVisible()
    {
        byte[] content = TestContent.Bytes(1 << 20, 26);
        var digest = TestContent.Sha256(content);

        using var import = _f.Store.BeginBlobImport(digest, content.Length);
        using var taken = import.TakeHash();
        import.WritePrehashed(content);
        _f.Faults.FailReads(p => p.StartsWith(TempArea, StringComparison.Ordinal));
        var e = Assert.Throws<StoreException>(() => import.Commit(Repo));

        Assert.Equal(StoreError.IoFailure, e.Error);
        _f.Faults.Clear();
        AssertNothingOf(digest);
    }

    private void AssertNothingOf(Digest digest)
    {
        Assert.Null(_f.Store.BlobLength(digest));
        Assert.False(File.Exists(_f.BlobDataPath(digest)));
        Assert.Empty(_f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(TempArea));
    }

    /// <summary>What the replication inventory does with a delete's change event: records its tombstone, inside the write.</summary>
    private void RecordTombstones() => _f.Store.Changed += change =>
    {
        if (change is { Kind: StoreChangeKind.BlobDeleted, Version: { } version })
            _f.Store.Versions.WriteBlob(change.Repository, change.Digest!.Value, new Versions.VersionRecord(version.Version, version.Node, Deleted: true));
    };

    [Fact]
    public void DeleteBlob_ReplicatedWithNothingLinked_RaisedSoItsTombstoneStopsTheCopyUnderWayFromLinking()
    {
        byte[] content = TestContent.Bytes(30_000, 21);
        var digest = TestContent.Sha256(content);
        RecordTombstones();
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        using (var import = _f.Store.BeginBlobImport(digest, content.Length))
        {
            import.Write(content);
            Assert.False(_f.Store.DeleteBlob(Repo, digest, new ChangeVersion(5, "node-b")));
            import.Commit(Repo);
        }

        var change = Assert.Single(changes);
        Assert.Equal((StoreChangeKind.BlobDeleted, new ChangeVersion(5, "node-b")), (change.Kind, change.Version!.Value));
        Assert.Equal(content.Length, _f.Store.BlobLength(digest)); // the bytes stay for other repositories (or GC)
        Assert.Null(_f.Store.StatBlob(Repo, digest));
    }

    [Fact]
    public void DeleteBlob_ByAClientWithNothingLinked_FalseAndNothingRaised()
    {
        var changes = new List<StoreChange>();
        _f.Store.Changed += changes.Add;

        Assert.False(_f.Store.DeleteBlob(Repo, TestContent.Sha256(TestContent.Bytes(10, 22))));

        Assert.Empty(changes);
    }

    /// <summary>
    /// A commit and a replicated delete of the same link at the same moment: whichever comes first, the node never
    /// ends with the link present and its tombstone recorded (it would serve a blob its inventory says is deleted).
    /// </summary>
    [Fact]
    public async Task Commit_RacingAReplicatedDelete_NeverLinkedWithATombstone()
    {
        RecordTombstones();
        for (int i = 0; i < 60; i++)
        {
            byte[] content = TestContent.Bytes(4_000, 100 + i);
            var digest = TestContent.Sha256(content);
            using var import = _f.Store.BeginBlobImport(digest, content.Length);
            import.Write(content);
            using var start = new Barrier(2);
            var commit = Task.Run(() => { start.SignalAndWait(); import.Commit(Repo); });
            var delete = Task.Run(() => { start.SignalAndWait(); _f.Store.DeleteBlob(Repo, digest, new ChangeVersion(10 + i, "node-b")); });
            await Task.WhenAll(commit, delete).WaitAsync(TimeSpan.FromSeconds(30));

            bool linked = _f.Store.StatBlob(Repo, digest) is not null;
            bool tombstoned = _f.Store.Versions.ReadBlob(Repo, digest) is { Deleted: true };
            Assert.False(linked && tombstoned, $"round {i}: linked after its tombstone was recorded");
            Assert.True(tombstoned);
        }
    }

    /// <summary>The same race through the one-call import of a small blob (the rehydration's inline path).</summary>
    [Fact]
    public async Task ImportBlob_RacingAReplicatedDelete_NeverLinkedWithATombstone()
    {
        RecordTombstones();
        for (int i = 0; i < 60; i++)
        {
            byte[] content = TestContent.Bytes(3_000, 300 + i);
            var digest = TestContent.Sha256(content);
            using var start = new Barrier(2);
            var import = Task.Run(() => { start.SignalAndWait(); _f.Store.ImportBlob(digest, content, Repo); });
            var delete = Task.Run(() => { start.SignalAndWait(); _f.Store.DeleteBlob(Repo, digest, new ChangeVersion(10 + i, "node-b")); });
            await Task.WhenAll(import, delete).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.False(_f.Store.StatBlob(Repo, digest) is not null, $"round {i}: linked after its tombstone was recorded");
            Assert.True(_f.Store.Versions.ReadBlob(Repo, digest) is { Deleted: true });
            Assert.Equal(content.Length, _f.Store.BlobLength(digest));
        }
    }
}
