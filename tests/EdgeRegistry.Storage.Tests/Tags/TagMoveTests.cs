using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Tags;

/// <summary>A tag moved (a push, or a replicated tag): its index entry and its current link in one durable round.</summary>
public sealed class TagMoveTests : IDisposable
{
    private const string RepoName = "edge/tags";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task SetTag_ToAnotherManifest_OneRoundAndDurableWhenItReturns()
    {
        await ImageBuilder.PushOciAsync(_f, RepoName, "v1", seed: 1);
        var next = await ImageBuilder.PushOciAsync(_f, RepoName, "next", seed: 2);
        long rounds = _f.Store.TempDirectorySyncs;
        int fileSyncs = _f.Sync.FileSyncs;

        Assert.True(_f.Store.SetTag(Repo, "v1", next.Digest));

        Assert.Equal(1, _f.Store.TempDirectorySyncs - rounds);
        Assert.Equal(2, _f.Sync.FileSyncs - fileSyncs); // the index entry's and the current link's
        var store = _f.PowerCutAndRestart();
        Assert.Equal(next.Digest, store.GetManifest(Repo, "v1")!.Digest);
        Assert.True(File.Exists(store.Paths.TagIndexLink(Repo, "v1", next.Digest)));
    }

    [Fact]
    public async Task SetTag_SharedFsyncFails_IoFailureAndTheOldTagAfterTheCut()
    {
        var old = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", seed: 3);
        var next = await ImageBuilder.PushOciAsync(_f, RepoName, "next", seed: 4);
        _f.Faults.FailFsync(p => p == _f.Store.Paths.Temp);

        var e = Assert.Throws<StoreException>(() => _f.Store.SetTag(Repo, "v1", next.Digest));

        Assert.Equal(StoreError.IoFailure, e.Error);
        var store = _f.PowerCutAndRestart();
        Assert.Equal(old.Digest, store.GetManifest(Repo, "v1")!.Digest);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Paths.Temp));
    }
}
