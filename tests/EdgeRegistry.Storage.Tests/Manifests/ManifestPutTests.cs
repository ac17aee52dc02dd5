using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using M = EdgeRegistry.Storage.Testing.Support.Manifests;

namespace EdgeRegistry.Storage.Tests.Manifests;

public sealed class ManifestPutTests : IDisposable
{
    private const string RepoName = "edge/images";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task<ManifestPutResult> PutAsync(string reference, string? contentType, byte[] content) =>
        _f.Store.PutManifestAsync(Repo, reference, contentType, content, CancellationToken.None);

    private async Task<StoreError> PutFailsAsync(string reference, string? contentType, byte[] content)
    {
        var before = _f.Snapshot();
        var error = await Assert.ThrowsAsync<StoreException>(() => PutAsync(reference, contentType, content));
        Assert.Equal(before, _f.Snapshot());
        return error.Error;
    }

    [Fact]
    public async Task PutManifestAsync_OciManifestByTag_GetByTagAndDigestReturnsExactBytes()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 1, 2);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers);

        var result = await PutAsync("v1", ManifestMediaTypes.OciManifest, manifest);

        Assert.Equal(TestContent.Sha256(manifest), result.Digest);
        Assert.Null(result.Subject);
        foreach (string reference in new[] { "v1", result.Digest.ToString() })
        {
            var stored = _f.Store.GetManifest(Repo, reference);
            Assert.NotNull(stored);
            Assert.Equal(manifest, stored.Content.ToArray());
            Assert.Equal(ManifestMediaTypes.OciManifest, stored.MediaType);
            Assert.Equal(result.Digest, stored.Digest);
        }
        Assert.Equal(manifest, _f.Reopen().GetManifest(Repo, "v1")!.Content.ToArray());
    }

    [Fact]
    public async Task PutManifestAsync_DockerSchema2AndManifestList_StoredWithTheirMediaTypes()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 2, 1);
        byte[] amd64 = M.DockerManifest(config, configBytes.Length, layers);
        var (config2, configBytes2, layers2) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 3, 1);
        byte[] arm64 = M.DockerManifest(config2, configBytes2.Length, layers2);
        var amd = await PutAsync(TestContent.Sha256(amd64).ToString(), ManifestMediaTypes.DockerManifest, amd64);
        var arm = await PutAsync("arm64", ManifestMediaTypes.DockerManifest, arm64);
        byte[] list = M.Index(ManifestMediaTypes.DockerManifestList, ManifestMediaTypes.DockerManifest,
            (amd.Digest, amd64.Length, "amd64"), (arm.Digest, arm64.Length, "arm64"));

        var listResult = await PutAsync("latest", ManifestMediaTypes.DockerManifestList, list);

        Assert.Equal(ManifestMediaTypes.DockerManifestList, _f.Store.GetManifest(Repo, "latest")!.MediaType);
        Assert.Equal(listResult.Digest, _f.Store.GetManifest(Repo, "latest")!.Digest);
        Assert.Equal(ManifestMediaTypes.DockerManifest, _f.Store.GetManifest(Repo, amd.Digest.ToString())!.MediaType);
        Assert.Equal(arm64, _f.Store.GetManifest(Repo, "arm64")!.Content.ToArray());
    }

    [Fact]
    public async Task PutManifestAsync_OciIndexWithPresentChildren_Stored()
    {
        var a = await ImageBuilder.PushOciAsync(_f, RepoName, "a", 4);
        var b = await ImageBuilder.PushOciAsync(_f, RepoName, "b", 5);
        byte[] index = M.Index(ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest,
            (a.Digest, a.Manifest.Length, "amd64"), (b.Digest, b.Manifest.Length, "arm64"));

        var result = await PutAsync("multi", ManifestMediaTypes.OciIndex, index);

        var stored = _f.Store.GetManifest(Repo, "multi")!;
        Assert.Equal(ManifestMediaTypes.OciIndex, stored.MediaType);
        Assert.Equal(result.Digest, stored.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_Sha512DigestReference_StoredUnderSha512()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 6, 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers);
        var digest = TestContent.Sha512(manifest);

        var result = await PutAsync(digest.ToString(), ManifestMediaTypes.OciManifest, manifest);

        Assert.Equal(digest, result.Digest);
        Assert.Equal(manifest, _f.Store.GetManifest(Repo, digest.ToString())!.Content.ToArray());
    }

    [Theory]
    [InlineData(ManifestMediaTypes.DockerManifest)]
    [InlineData(ManifestMediaTypes.OciIndex)]
    [InlineData("application/vnd.example.unknown+json")]
    public async Task PutManifestAsync_ContentTypeInconsistentWithMediaType_ManifestInvalid(string contentType)
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 7, 1);
        Assert.Equal(StoreError.ManifestInvalid,
            await PutFailsAsync("v1", contentType, M.OciManifest(config, configBytes.Length, layers)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\":2,")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"schemaVersion\":1,\"name\":\"x\"}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}")]
    public async Task PutManifestAsync_MalformedManifest_ManifestInvalid(string json) =>
        Assert.Equal(StoreError.ManifestInvalid, await PutFailsAsync("v1", null, Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task PutManifestAsync_ReferencesBlobTheRepositoryLacks_ManifestBlobUnknown()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 8, 1);
        var missing = TestContent.Sha256([7, 7, 7]);
        byte[] manifest = M.OciManifest(config, configBytes.Length, [.. layers, (missing, 3)]);

        Assert.Equal(StoreError.ManifestBlobUnknown, await PutFailsAsync("v1", ManifestMediaTypes.OciManifest, manifest));
    }

    [Fact]
    public async Task PutManifestAsync_BlobOnlyInAnotherRepository_ManifestBlobUnknown()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, "elsewhere/repo", 9, 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers);

        Assert.Equal(StoreError.ManifestBlobUnknown, await PutFailsAsync("v1", ManifestMediaTypes.OciManifest, manifest));
    }

    [Fact]
    public async Task PutManifestAsync_IndexMissingOwnPlatformChild_ManifestBlobUnknown()
    {
        var a = await ImageBuilder.PushOciAsync(_f, RepoName, "a", 10);
        var missing = TestContent.Sha256(Encoding.UTF8.GetBytes("{\"schemaVersion\":2}"));
        byte[] index = M.Index(ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest,
            (a.Digest, a.Manifest.Length, ForeignArchitecture), (missing, 19, ManifestPlatform.Current.Architecture));

        Assert.Equal(StoreError.ManifestBlobUnknown, await PutFailsAsync("multi", ManifestMediaTypes.OciIndex, index));
    }

    [Fact]
    public async Task PutManifestAsync_SparseIndexMissingForeignChild_Stored()
    {
        var a = await ImageBuilder.PushOciAsync(_f, RepoName, "a", 10);
        var missing = TestContent.Sha256(Encoding.UTF8.GetBytes("{\"schemaVersion\":2}"));
        byte[] index = M.Index(ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest,
            (a.Digest, a.Manifest.Length, ManifestPlatform.Current.Architecture), (missing, 19, ForeignArchitecture));

        var result = await _f.Store.PutManifestAsync(Repo, "multi", ManifestMediaTypes.OciIndex, index, CancellationToken.None);

        Assert.Equal(index, _f.Store.GetManifest(Repo, "multi")!.Content);
        Assert.Equal(result.Digest, _f.Store.GetManifest(Repo, "multi")!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_InvalidUtf8InAString_ManifestInvalid()
    {
        // Found by tests/fuzz: JsonDocument accepts it and throws InvalidOperationException only on reading the value.
        byte[] manifest = [.. "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Equal(StoreError.ManifestInvalid, await PutFailsAsync("v1", ManifestMediaTypes.OciManifest, manifest));
    }

    private static string ForeignArchitecture => ManifestPlatform.Current.Architecture == "arm64" ? "amd64" : "arm64";

    /// <summary>IRegistryStore: the reference is "a tag or the manifest's own digest"; any other digest is a digest mismatch (DIGEST_INVALID).</summary>
    [Fact]
    public async Task PutManifestAsync_DigestReferenceNotMatchingContent_DigestMismatch()
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 11, 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers);
        var other = TestContent.Sha256([1]);

        Assert.Equal(StoreError.DigestMismatch, await PutFailsAsync(other.ToString(), ManifestMediaTypes.OciManifest, manifest));
        Assert.Null(_f.Store.GetManifest(Repo, TestContent.Sha256(manifest).ToString()));
    }

    [Fact]
    public async Task PutManifestAsync_LargerThanMaxManifestBytes_TooLarge()
    {
        using var small = new StoreFixture(new StoreOptions { Root = "unused", MaxManifestBytes = 1024 });
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(small, RepoName, 12, 1);
        string padding = new('x', 2000);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers, annotations: "{\"pad\":\"" + padding + "\"}");

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            small.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.TooLarge, error.Error);
        Assert.Null(small.Store.GetManifest(Repo, "v1"));
    }

    [Fact]
    public async Task PutManifestAsync_FiveMiBUnderEightMiBLimit_StoredAndImportable()
    {
        using var large = new StoreFixture(new StoreOptions { Root = "unused", MaxManifestBytes = 8 * 1024 * 1024 });
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(large, RepoName, 13, 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers, annotations: "{\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}");

        var result = await large.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);

        Assert.Equal(manifest, large.Store.GetManifest(Repo, "v1")!.Content.ToArray());
        var other = RepositoryName.Parse("edge/imported");
        Assert.Equal(result.Digest, large.Store.ImportManifest(other, result.Digest, manifest)!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_FiveMiBAtDefaultLimit_TooLarge()
    {
        Assert.Equal(4 * 1024 * 1024, new StoreOptions { Root = "unused" }.MaxManifestBytes);
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 14, 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers, annotations: "{\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}");

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            _f.Store.PutManifestAsync(Repo, "v1", ManifestMediaTypes.OciManifest, manifest, CancellationToken.None));

        Assert.Equal(StoreError.TooLarge, error.Error);
        Assert.Throws<StoreException>(() => _f.Store.ImportManifest(Repo, TestContent.Sha256(manifest), manifest));
    }

    [Theory]
    [InlineData("-bad")]
    [InlineData("../x")]
    [InlineData("sha256:short")]
    public async Task PutManifestAsync_ReferenceNeitherTagNorDigest_RejectedAndNothingStored(string reference)
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, RepoName, 13, 1);
        var error = await PutFailsAsync(reference, ManifestMediaTypes.OciManifest, M.OciManifest(config, configBytes.Length, layers));
        Assert.Contains(error, new[] { StoreError.ManifestInvalid, StoreError.DigestMismatch });
    }

    [Fact]
    public void GetManifest_UnknownTagOrDigest_Null()
    {
        Assert.Null(_f.Store.GetManifest(Repo, "nope"));
        Assert.Null(_f.Store.GetManifest(Repo, TestContent.Sha256([1]).ToString()));
        Assert.Null(_f.Store.GetManifest(Repo, "../../etc/passwd"));
    }

    [Fact]
    public async Task GetManifest_DigestOfManifestInAnotherRepository_Null()
    {
        var image = await ImageBuilder.PushOciAsync(_f, "other/repo", "v1", 14);
        Assert.Null(_f.Store.GetManifest(Repo, image.Digest.ToString()));
    }
}
