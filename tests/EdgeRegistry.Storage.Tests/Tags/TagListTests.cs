using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Tags;

public sealed class TagListTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ListTags_SeveralTags_OrdinalOrder()
    {
        var repo = RepositoryName.Parse("edge/tags");
        var image = await ImageBuilder.PushOciAsync(_f, repo.Value, "v10", 1);
        foreach (string tag in new[] { "latest", "V2", "v1", "_x", "1.0" })
        {
            await _f.Store.PutManifestAsync(repo, tag, ManifestMediaTypes.OciManifest, image.Manifest, CancellationToken.None);
        }

        string[] expected = ["1.0", "V2", "_x", "latest", "v1", "v10"];
        Assert.Equal(expected, _f.Store.ListTags(repo));
        Assert.Equal(expected, _f.Reopen().ListTags(repo));
    }

    [Fact]
    public void ListTags_UnknownRepository_Null() => Assert.Null(_f.Store.ListTags(RepositoryName.Parse("no/such")));

    [Fact]
    public async Task PutManifestAsync_ExistingTag_MovesItToTheNewDigest()
    {
        var repo = RepositoryName.Parse("edge/move");
        var first = await ImageBuilder.PushOciAsync(_f, repo.Value, "stable", 2);
        var second = await ImageBuilder.PushOciAsync(_f, repo.Value, "stable", 3);

        Assert.NotEqual(first.Digest, second.Digest);
        Assert.Equal(second.Digest, _f.Store.GetManifest(repo, "stable")!.Digest);
        Assert.Equal(second.Digest, _f.Reopen().GetManifest(repo, "stable")!.Digest);
        Assert.NotNull(_f.Store.GetManifest(repo, first.Digest.ToString()));
    }

    [Fact]
    public async Task ListRepositories_NestedNamesAndBlobOnly_AllInOrderAndUploadOnlyRepositoriesLeftOut()
    {
        await ImageBuilder.PushOciAsync(_f, "b/app", "v1", 4);
        await ImageBuilder.PushOciAsync(_f, "a", "v1", 5);
        await ImageBuilder.PushOciAsync(_f, "a/nested/deep", "v1", 6);
        // A blob and no manifest yet: listed, as Distribution 2.8.2's _catalog lists it (checked against docker-registry).
        await _f.PutBlobAsync("blobs/only", [1, 2, 3]);
        // An upload begun and nothing committed: not a repository yet, for either.
        _f.Store.StartUpload(RepositoryName.Parse("uploads/only"));

        Assert.Equal(["a", "a/nested/deep", "b/app", "blobs/only"], _f.Store.ListRepositories());
    }
}
