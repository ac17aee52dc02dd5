using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Replication;

/// <summary>The store surface replication builds on: change events, trusted imports, tagging and enumeration.</summary>
public sealed class ReplicationSupportTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("team/app");
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Changed_PushAndDelete_ReportsEachDurableChangeInOrder()
    {
        var changes = new List<StoreChange>();
        _fixture.Store.Changed += changes.Add;

        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 1, layerCount: 1);
        Assert.True(_fixture.Store.DeleteManifest(Repo, image.Digest.ToString()));

        Assert.Equal(
            [StoreChangeKind.BlobCommitted, StoreChangeKind.BlobCommitted, StoreChangeKind.ManifestStored, StoreChangeKind.TagSet,
             StoreChangeKind.TagDeleted, StoreChangeKind.ManifestDeleted],
            changes.Select(c => c.Kind));
        Assert.Equal("v1", changes[3].Tag);
        Assert.Equal(image.Digest, changes[3].Digest);
        Assert.Equal("v1", changes[4].Tag);
        Assert.Equal(image.Digest, changes[5].Digest);
    }

    [Fact]
    public async Task Changed_ObserverFailsWithEio_WriteFailsWithIoFailure()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_fixture, Repo.Value, seed: 2, layerCount: 1);
        byte[] manifest = Testing.Support.Manifests.OciManifest(config, configBytes.Length, layers);
        _fixture.Store.Changed += change =>
        {
            if (change.Kind == StoreChangeKind.TagSet) throw IoErrors.InputOutput("version file");
        };

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _fixture.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.IoFailure, error.Error);
        Assert.Contains("storing manifest v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_ObserverFailsWithEnospc_WriteFailsWithStorageFull()
    {
        using var source = new StoreFixture();
        var image = await ImageBuilder.PushOciAsync(source, Repo.Value, "v1", seed: 4);
        _fixture.Store.Changed += _ => throw IoErrors.NoSpace("version file");

        var error = Assert.Throws<StoreException>(() => _fixture.Store.ImportManifest(Repo, image.Digest, image.Manifest, new ChangeVersion(7, "peer")));

        Assert.Equal(StoreError.StorageFull, error.Error);
    }

    [Fact]
    public async Task ImportManifest_BlobsNotHereYet_StoredAndBlobsLinkedWhenTheyArrive()
    {
        using var source = new StoreFixture();
        var image = await ImageBuilder.PushOciAsync(source, Repo.Value, "v1", seed: 3);

        var imported = _fixture.Store.ImportManifest(Repo, image.Digest, image.Manifest)!;
        _fixture.Store.SetTag(Repo, "v1", image.Digest);

        Assert.Equal(ManifestMediaTypes.OciManifest, imported.MediaType);
        Assert.Equal(image.Digest, _fixture.Store.GetManifest(Repo, "v1")!.Digest);
        Assert.Null(_fixture.Store.StatBlob(Repo, image.Layers[0]));
        var references = _fixture.Store.GetReferences(Repo, image.Digest)!;
        Assert.Equal([image.Config, .. image.Layers], references.Blobs.Select(b => b.Digest));

        // The layer's bytes arrive under another repository (a peer fetch goes through any upload); the link
        // written by the import makes them servable here at once.
        using (var reader = source.Store.OpenBlob(image.Layers[0])!)
        {
            byte[] bytes = new byte[reader.Length];
            reader.Read(bytes, 0);
            await _fixture.PutBlobAsync("staging", bytes);
        }
        Assert.NotNull(_fixture.Store.StatBlob(Repo, image.Layers[0]));
    }

    [Fact]
    public void ImportManifest_ContentNotMatchingDigest_RefusedAndNothingStored()
    {
        byte[] content = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"u8.ToArray();
        var wrong = ContentHasher.Compute(DigestAlgorithm.Sha256, "other"u8);

        var error = Assert.Throws<StoreException>(() => _fixture.Store.ImportManifest(Repo, wrong, content));

        Assert.Equal(StoreError.DigestMismatch, error.Error);
        Assert.Empty(_fixture.Store.EnumerateManifests());
    }

    [Fact]
    public void SetTag_ManifestNotInRepository_ManifestUnknown()
    {
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, "absent"u8);

        var error = Assert.Throws<StoreException>(() => _fixture.Store.SetTag(Repo, "v1", digest));

        Assert.Equal(StoreError.ManifestUnknown, error.Error);
    }

    [Fact]
    public async Task Enumerate_AfterPushes_ListsEveryBlobManifestAndTag()
    {
        var first = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 4, layerCount: 1);
        var second = await ImageBuilder.PushOciAsync(_fixture, "other/app", "latest", seed: 5, layerCount: 1);

        var manifests = _fixture.Store.EnumerateManifests().ToList();
        var blobs = _fixture.Store.EnumerateBlobs().Select(b => b.Digest).ToHashSet();

        Assert.Contains((Repo, first.Digest), manifests);
        Assert.Contains((RepositoryName.Parse("other/app"), second.Digest), manifests);
        Assert.Equal(2, manifests.Count);
        Assert.Contains(first.Layers[0], blobs);
        Assert.Contains(second.Digest, blobs); // manifests are blobs too
        Assert.Equal([("v1", first.Digest)], _fixture.Store.ListTagTargets(Repo));
        Assert.Equal(first.Layers[0], _fixture.Store.OpenBlob(first.Layers[0])!.Digest);
        Assert.NotNull(_fixture.Store.BlobLength(first.Config));
    }
}
