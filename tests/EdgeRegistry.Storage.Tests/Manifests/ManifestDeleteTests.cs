using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Manifests;

public sealed class ManifestDeleteTests : IDisposable
{
    private const string RepoName = "edge/delete";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task DeleteManifest_ByDigest_RemovesRevisionAndEveryTagPointingAtIt()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);
        await _f.Store.PutManifestAsync(Repo, "latest", Storage.Manifests.ManifestMediaTypes.OciManifest, image.Manifest, CancellationToken.None);
        var other = await ImageBuilder.PushOciAsync(_f, RepoName, "v2", 2);

        Assert.True(_f.Store.DeleteManifest(Repo, image.Digest.ToString()));

        Assert.Null(_f.Store.GetManifest(Repo, image.Digest.ToString()));
        Assert.Null(_f.Store.GetManifest(Repo, "v1"));
        Assert.Null(_f.Store.GetManifest(Repo, "latest"));
        Assert.Equal(["v2"], _f.Store.ListTags(Repo));
        Assert.Equal(other.Digest, _f.Store.GetManifest(Repo, "v2")!.Digest);
        var restarted = _f.Reopen();
        Assert.Null(restarted.GetManifest(Repo, "v1"));
        Assert.Equal(["v2"], restarted.ListTags(Repo));
        Assert.False(_f.Store.DeleteManifest(Repo, image.Digest.ToString()));
    }

    [Fact]
    public async Task DeleteManifest_ByTag_RemovesOnlyTheTag()
    {
        var image = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 3);

        Assert.True(_f.Store.DeleteManifest(Repo, "v1"));

        Assert.Null(_f.Store.GetManifest(Repo, "v1"));
        Assert.Equal(image.Manifest, _f.Store.GetManifest(Repo, image.Digest.ToString())!.Content.ToArray());
        Assert.Empty(_f.Store.ListTags(Repo)!);
        Assert.False(_f.Store.DeleteManifest(Repo, "v1"));
    }

    [Fact]
    public void DeleteManifest_UnknownReference_False()
    {
        Assert.False(_f.Store.DeleteManifest(Repo, "missing"));
        Assert.False(_f.Store.DeleteManifest(Repo, TestContent.Sha256([1]).ToString()));
        Assert.False(_f.Store.DeleteManifest(Repo, "../.."));
    }
}
