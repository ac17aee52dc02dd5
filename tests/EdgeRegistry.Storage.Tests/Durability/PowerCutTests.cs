using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Versions;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// A power cut right after a write was acknowledged: what the write returned for must be there after the restart.
/// The cut takes back every file byte and directory entry that was not fsynced (<see cref="PowerCut"/>), so a
/// missing file or directory fsync on the path shows up as lost content. Replication's version records and
/// tombstones are held to the same rule as the store's own objects.
/// </summary>
public sealed class PowerCutTests : IDisposable
{
    private const string RepoName = "edge/power";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task PutManifestAsync_PowerCutAfterReturn_ManifestAndTagSurvive()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);

        var store = _f.PowerCutAndRestart();

        Assert.Equal(image.Digest, store.GetManifest(Repo, "v1")!.Digest);
        Assert.Equal(image.Manifest, store.GetManifest(Repo, image.Digest.ToString())!.Content.ToArray());
        Assert.All(image.Layers, layer => Assert.NotNull(store.StatBlob(Repo, layer)));
    }

    [Fact]
    public async Task DeleteManifest_PowerCutAfterReturn_TagStaysDeleted()
    {
        await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 2);
        Assert.True(_f.Store.DeleteManifest(Repo, "v1"));

        var store = _f.PowerCutAndRestart();

        Assert.Null(store.GetManifest(Repo, "v1"));
    }

    [Fact]
    public async Task WriteTag_PowerCutAfterReturn_NewerRecordSurvives()
    {
        var first = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 3);
        var second = await ImageBuilder.PushOciAsync(_f, RepoName, "v2", 4);
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(100, "node-a", Deleted: false, first.Digest));
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(200, "node-b", Deleted: false, second.Digest));

        var store = _f.PowerCutAndRestart();

        Assert.Equal(new VersionRecord(200, "node-b", Deleted: false, second.Digest), store.Versions.ReadTag(Repo, "v1"));
    }

    [Fact]
    public async Task WriteTag_TombstonePowerCutAfterReturn_TombstoneSurvives()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 5);
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(100, "node-a", Deleted: false, image.Digest));
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(300, "node-a", Deleted: true));
        _f.Store.Versions.WriteManifest(Repo, image.Digest, new VersionRecord(301, "node-a", Deleted: true));

        var store = _f.PowerCutAndRestart();

        Assert.Equal(new VersionRecord(300, "node-a", Deleted: true), store.Versions.ReadTag(Repo, "v1"));
        Assert.Equal(new VersionRecord(301, "node-a", Deleted: true), store.Versions.ReadManifest(Repo, image.Digest));
        Assert.Equal([(Repo, "v1", new VersionRecord(300, "node-a", Deleted: true))], store.Versions.Tags());
        Assert.Equal([(Repo, image.Digest, new VersionRecord(301, "node-a", Deleted: true))], store.Versions.Manifests());
    }

    [Fact]
    public void DeleteTag_PowerCutAfterReturn_RecordStaysRemoved()
    {
        _f.Store.Versions.WriteTag(Repo, "old", new VersionRecord(5, "node-a", Deleted: true));
        Assert.True(_f.Store.Versions.DeleteTag(Repo, "old"));

        var store = _f.PowerCutAndRestart();

        Assert.Null(store.Versions.ReadTag(Repo, "old"));
        Assert.Empty(store.Versions.Tags());
    }

    [Fact]
    public void WriteTag_DirectoryFsyncFails_StoreExceptionAndTheCutKeepsTheOldRecord()
    {
        var digest = TestContent.Sha256(TestContent.Bytes(10, 6));
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(100, "node-a", Deleted: false, digest));
        // The record's rename out of the temp directory is made durable by the temp directory's (shared) fsync.
        string temp = _f.Store.Paths.Temp;
        _f.Faults.FailFsync(p => p == temp);

        var error = Assert.Throws<StoreException>(() =>
            _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(200, "node-a", Deleted: true)));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.True(_f.Faults.Injected > 0);
        var store = _f.PowerCutAndRestart();
        Assert.Equal(new VersionRecord(100, "node-a", Deleted: false, digest), store.Versions.ReadTag(Repo, "v1"));
    }

    [Fact]
    public void WriteManifest_DiskFull_StorageFullAndNoTempFileLeft()
    {
        var digest = TestContent.Sha256(TestContent.Bytes(10, 7));
        _f.Faults.FailNextWrite(p => p.StartsWith(_f.Store.Paths.Temp, StringComparison.Ordinal));

        var error = Assert.Throws<StoreException>(() =>
            _f.Store.Versions.WriteManifest(Repo, digest, new VersionRecord(1, "node-a", Deleted: false)));

        Assert.Equal(StoreError.StorageFull, error.Error);
        Assert.Null(_f.Store.Versions.ReadManifest(Repo, digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }

    [Fact]
    public void ReadTag_ReadFailsWithEio_IoFailureNotAbsent()
    {
        var digest = TestContent.Sha256(TestContent.Bytes(10, 8));
        _f.Store.Versions.WriteTag(Repo, "v1", new VersionRecord(1, "node-a", Deleted: false, digest));
        _f.Faults.FailReads(p => p.Contains("/.edgereg/versions/", StringComparison.Ordinal));

        var error = Assert.Throws<StoreException>(() => _f.Store.Versions.ReadTag(Repo, "v1"));

        Assert.Equal(StoreError.IoFailure, error.Error);
    }

    /// <summary>The model itself: a rename whose directory was never fsynced is lost, as on a real journaled file system.</summary>
    [Fact]
    public void Cut_RenameWithoutDirectoryFsync_RenameTakenBack()
    {
        string directory = Path.Combine(_f.Root, "model");
        _f.Fs.Directory.CreateDirectory(directory);
        _f.Sync.FlushDirectory(_f.Root);
        string temp = Path.Combine(directory, "temp");
        string target = Path.Combine(directory, "target");
        using (var stream = _f.Fs.FileStream.New(temp, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write("synced"u8);
            _f.Sync.FlushFile(stream);
        }
        _f.Fs.File.Move(temp, target, overwrite: true);
        Assert.True(_f.Faults.PowerCut.Pending > 0);

        _f.Faults.PowerCut.Cut();

        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Cut_RenameWithDirectoryFsyncButUnsyncedData_EmptyFile()
    {
        string target = Path.Combine(_f.Root, "target");
        string temp = Path.Combine(_f.Root, "temp");
        _f.Fs.File.WriteAllText(temp, "never fsynced");
        _f.Fs.File.Move(temp, target, overwrite: true);
        _f.Sync.FlushDirectory(_f.Root);

        _f.Faults.PowerCut.Cut();

        Assert.Equal(0, new FileInfo(target).Length);
    }
}
