using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// Concurrent small-blob commits (what a rehydrating node does, 16 at a time) share the temp directory's fsync:
/// each costs its own two file fsyncs (data, layer link) and a share of the directory fsyncs, every commit that
/// returned survives a power cut, and a failed shared fsync fails — and leaves unannounced — every commit of its round.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private const int Writers = 16;
    private const int BlobsPerWriter = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static RepositoryName RepoOf(int writer) => RepositoryName.Parse($"edge/group{writer % 4}");

    private static byte[] ContentOf(int writer, int i) => TestContent.Bytes(512 + (writer * BlobsPerWriter + i) * 7, writer * 1000 + i);

    /// <summary>Every writer imports its blobs one after another, all writers at once; the exceptions they got.</summary>
    private async Task<List<Exception>> CommitConcurrentlyAsync()
    {
        var failures = new List<Exception>();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            start.Wait();
            for (int i = 0; i < BlobsPerWriter; i++)
            {
                byte[] content = ContentOf(w, i);
                try
                {
                    using var import = _f.Store.BeginBlobImport(TestContent.Sha256(content), content.Length);
                    import.Write(content);
                    import.Commit(RepoOf(w));
                }
                catch (StoreException e)
                {
                    lock (failures) failures.Add(e);
                }
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(writers).WaitAsync(Deadline);
        return failures;
    }

    [Fact]
    public async Task Commit_ManyConcurrentSmallBlobs_TwoFileFsyncsEachSharedDirectoryFsyncsAndAllSurviveAPowerCut()
    {
        int files = _f.Sync.FileSyncs, directories = _f.Sync.DirectorySyncs;

        var failures = await CommitConcurrentlyAsync();

        Assert.Empty(failures);
        const int blobs = Writers * BlobsPerWriter;
        Assert.Equal(2 * blobs, _f.Sync.FileSyncs - files);
        // Two publishes per blob (data, link), each waiting for one fsync of the temp directory that it shares with
        // the publishes of the moment: never more than one directory fsync per publish, fewer when they overlap.
        int directorySyncs = _f.Sync.DirectorySyncs - directories;
        Assert.InRange(directorySyncs, 1, 2 * blobs);
        var store = _f.PowerCutAndRestart();
        for (int w = 0; w < Writers; w++)
        {
            for (int i = 0; i < BlobsPerWriter; i++)
            {
                byte[] content = ContentOf(w, i);
                var digest = TestContent.Sha256(content);
                Assert.Equal(new Storage.Blobs.BlobInfo(digest, content.Length), store.StatBlob(RepoOf(w), digest));
                Assert.Equal(content, File.ReadAllBytes(store.Paths.BlobData(digest)));
            }
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    [Fact]
    public async Task Commit_SharedDirectoryFsyncFails_EveryCommitFailsUnannouncedAndNothingSurvivesTheCut()
    {
        var announced = new List<StoreChange>();
        _f.Store.Changed += change => { lock (announced) announced.Add(change); };
        string temp = _f.Store.Paths.Temp;
        _f.Faults.FailFsync(p => p == temp);

        var failures = await CommitConcurrentlyAsync();

        Assert.Equal(Writers * BlobsPerWriter, failures.Count);
        Assert.All(failures, e => Assert.Equal(StoreError.IoFailure, ((StoreException)e).Error));
        Assert.Empty(announced);
        var store = _f.PowerCutAndRestart();
        Assert.Empty(_f.VisibleFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }

    [Fact]
    public void Commit_BlobIntoANewRepository_DirectoriesMadeFromTheTempAreaSurviveAPowerCut()
    {
        byte[] content = TestContent.Bytes(4096, 77);
        var digest = TestContent.Sha256(content);
        var repository = RepositoryName.Parse("edge/new/deeply/nested");

        using (var import = _f.Store.BeginBlobImport(digest, content.Length))
        {
            import.Write(content);
            import.Commit(repository);
        }

        var store = _f.PowerCutAndRestart();
        Assert.Equal(new Storage.Blobs.BlobInfo(digest, content.Length), store.StatBlob(repository, digest));
        Assert.Equal(digest.ToString(), File.ReadAllText(store.Paths.LayerLink(repository, digest)));
    }
}
