using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Import.Tests.Fixtures;
using EdgeRegistry.Storage.Naming;
using static EdgeRegistry.Import.Tests.Publishing.ImportAssertions;

namespace EdgeRegistry.Import.Tests.Publishing;

/// <summary>Each layout the tools write, imported into a real store, is served complete by tag and digest.</summary>
public sealed class FormatImportTests
{
    private static readonly TestImage Release = TestImage.Create("openshift/release-images", "4.18.1-x86_64", seed: 1);
    private static readonly TestImage Operator = TestImage.Create("redhat/redhat-operator-index", "v4.18", seed: 2);

    [Fact]
    public async Task Import_OcMirrorV2Archive_ServesEveryImageAndKeepsClusterResources()
    {
        using var media = new TempDirectory("import-v2");
        using var store = new StoreFixture();
        MediaWriter.OcMirrorV2(media.File("mirror_000001.tar"), [Release, Operator], new Dictionary<string, string>
        {
            ["idms-oc-mirror.yaml"] = "kind: ImageDigestMirrorSet\n",
            ["cs-redhat-operator-index-v4-18.yaml"] = "kind: CatalogSource\n",
            ["signature-configmap.json"] = "{}",
        });

        var result = await ImportAsync(store.Store, media.Path);

        Assert.Empty(result.Report.Problems);
        Assert.True(result.Report.Completed);
        Served(store.Store, Release);
        Served(store.Store, Operator);
        Assert.Equal(2, result.Report.Repositories);
        Assert.Equal(2, result.Report.ManifestsImported);
        Assert.Equal(2, result.Report.TagsSet);
        Assert.Equal(8, result.Report.BlobsImported); // configs, layers and the manifests, which Distribution keeps as blobs too
        Assert.Equal(["cs-redhat-operator-index-v4-18.yaml", "idms-oc-mirror.yaml", "signature-configmap.json"], result.Resources.Select(r => r.FileName));
    }

    [Fact]
    public async Task Import_OcMirrorV1ArchiveWithTagSymlinkBeforeItsTargetAndHardLinkedMount_ServesBothRepositories()
    {
        using var media = new TempDirectory("import-v1");
        using var store = new StoreFixture();
        MediaWriter.OcMirrorV1(media.File("mirror_seq1_000000.tar"), [Release], mountInto: "mirror/release-copy");

        var result = await ImportAsync(store.Store, media.Path);

        Assert.Empty(result.Report.Problems);
        Served(store.Store, Release);
        Served(store.Store, Release, repository: "mirror/release-copy");
    }

    [Fact]
    public async Task Import_OcFileTreeWithHardLinksAndSymlinks_ServesImagesAndKeepsReleaseSignatures()
    {
        using var media = new TempDirectory("import-oc");
        using var store = new StoreFixture();
        MediaWriter.OcTree(media.Path, [Release, Operator], signature: """{"kind":"ConfigMap"}""");

        var result = await ImportAsync(store.Store, media.Path);

        Assert.Empty(result.Report.Problems);
        Served(store.Store, Release);
        Served(store.Store, Operator);
        Assert.Equal(["signature-sha256-0123456789abcdef.json"], result.Resources.Select(r => r.FileName));
    }

    [Fact]
    public async Task Import_OciArchiveWithRepository_TagsByRefNameAnnotation()
    {
        using var media = new TempDirectory("import-oci");
        using var store = new StoreFixture();
        var image = TestImage.Create("unused", "unused", seed: 3);
        MediaWriter.OciLayout(media.Sub("layout"), image, refName: "1.0");
        using (var tar = new TarBuilder(media.File("image.tar"))) tar.Tree(media.Combine("layout"), "");

        var result = await ImportAsync(store.Store, media.File("image.tar"), new ImportOptions { Repository = RepositoryName.Parse("apps/demo") });

        Assert.Empty(result.Report.Problems);
        Served(store.Store, image, repository: "apps/demo", tag: "1.0");
    }

    [Fact]
    public async Task Import_DirLayoutWithRepositoryAndTag_ServesIt()
    {
        using var media = new TempDirectory("import-dir");
        using var store = new StoreFixture();
        var image = TestImage.Create("unused", "unused", seed: 4);
        MediaWriter.DirLayout(media.Combine("dir"), image);

        var result = await ImportAsync(store.Store, media.Combine("dir"),
            new ImportOptions { Repository = RepositoryName.Parse("tools/iri"), Tag = "v1" });

        Assert.Empty(result.Report.Problems);
        Served(store.Store, image, repository: "tools/iri", tag: "v1");
    }

    [Fact]
    public async Task Import_OciLayoutWithoutRepository_AsksForIt()
    {
        using var media = new TempDirectory("import-norepo");
        using var store = new StoreFixture();
        MediaWriter.OciLayout(media.Path, TestImage.Create("x", "y", seed: 5), refName: "1.0");

        var result = await ImportAsync(store.Store, media.Path);

        Assert.Contains(result.Report.Problems, p => p.Message.Contains("--repository", StringComparison.Ordinal));
        Assert.Empty(store.Store.ListRepositories());
    }
}
