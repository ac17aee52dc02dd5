using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Testing.Support;

namespace EdgeRegistry.Storage.Tests.Manifests;

/// <summary>
/// Which reads keep a manifest in the cache. A cached manifest is served from memory, so damage to its bytes on disk
/// shows only on a read the cache did not answer: that is how these tests see what was cached, on a real store.
/// </summary>
public sealed class ManifestCacheUseTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("cache/app");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ReadManifest_ThenBytesDamaged_NextReadFindsTheDamage()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 1);
        var store = _f.Reopen(); // a fresh process: nothing cached

        Assert.NotNull(store.ReadManifest(Repo, "v1"));
        Damage(image.Digest);

        Assert.Null(store.GetManifest(Repo, "v1"));
    }

    [Fact]
    public async Task GetManifest_ThenBytesDamaged_ServedFromTheCache()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 2);
        var store = _f.Reopen();

        Assert.NotNull(store.GetManifest(Repo, "v1"));
        Damage(image.Digest);

        Assert.Equal(image.Digest, store.GetManifest(Repo, "v1")?.Digest);
    }

    [Fact]
    public async Task ImportManifest_ThenBytesDamaged_NextReadFindsTheDamage()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 3);
        var content = _f.Store.GetManifest(Repo, "v1")!.Content.ToArray();
        var other = RepositoryName.Parse("cache/copy");
        var store = _f.Reopen();

        Assert.NotNull(store.ImportManifest(other, image.Digest, content));
        Damage(image.Digest);

        Assert.Null(store.GetManifest(other, image.Digest.ToString()));
    }

    [Fact]
    public async Task ImportManifest_CachedForAWaitingClient_ThenBytesDamaged_ServedFromTheCache()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 4);
        var content = _f.Store.GetManifest(Repo, "v1")!.Content.ToArray();
        var other = RepositoryName.Parse("cache/readthrough");
        var store = _f.Reopen();

        Assert.NotNull(store.ImportManifest(other, image.Digest, content, cache: true));
        Damage(image.Digest);

        Assert.Equal(image.Digest, store.GetManifest(other, image.Digest.ToString())?.Digest);
    }

    [Fact]
    public async Task HoldsManifest_ImportedUncached_TrueWithoutCachingIt()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 5);
        var content = _f.Store.GetManifest(Repo, "v1")!.Content.ToArray();
        var other = RepositoryName.Parse("cache/bulk");
        var store = _f.Reopen();

        Assert.False(store.HoldsManifest(other, image.Digest));
        Assert.NotNull(store.ImportManifest(other, image.Digest, content));
        Assert.True(store.HoldsManifest(other, image.Digest));
        Damage(image.Digest);

        Assert.Null(store.GetManifest(other, image.Digest.ToString()));
    }

    [Fact]
    public async Task HoldsManifest_BytesGone_False()
    {
        var image = await ImageBuilder.PushOciAsync(_f, Repo.Value, "v1", seed: 6);

        File.Delete(_f.BlobDataPath(image.Digest));

        Assert.False(_f.Store.HoldsManifest(Repo, image.Digest));
    }

    private void Damage(Digest digest)
    {
        string path = _f.BlobDataPath(digest);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[5] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }
}
