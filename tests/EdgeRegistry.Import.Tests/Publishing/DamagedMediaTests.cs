using System.Formats.Tar;
using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Import.Tests.Fixtures;
using static EdgeRegistry.Import.Tests.Publishing.ImportAssertions;

namespace EdgeRegistry.Import.Tests.Publishing;

/// <summary>Differential, damaged and hostile media: every refusal is named, nothing stored is touched, nothing dangles.</summary>
public sealed class DamagedMediaTests
{
    private static readonly byte[] SharedLayer = TestContent.Bytes(5000, 77);
    private static readonly TestImage First = TestImage.Create("ocp/release", "4.18.1", seed: 10, sharedLayer: SharedLayer);
    private static readonly TestImage Second = TestImage.Create("ocp/release", "4.18.2", seed: 11, sharedLayer: SharedLayer);

    [Fact]
    public async Task Import_DifferentialSequence_SecondArchiveTakesBlobsItLacksFromTheStore()
    {
        using var media = new TempDirectory("import-diff");
        using var store = new StoreFixture();
        MediaWriter.OcMirrorV2(media.File("mirror_000001.tar"), [First]);
        // The second archive of the history holds only what the first did not: the shared layer is left out.
        MediaWriter.OcMirrorV2(media.File("second.tar"), [Second], omit: new HashSet<Storage.Digests.Digest> { TestContent.Sha256(SharedLayer) });

        var first = await ImportAsync(store.Store, media.File("mirror_000001.tar"));
        var second = await ImportAsync(store.Store, media.File("second.tar"));

        Assert.Empty(first.Report.Problems);
        Assert.Empty(second.Report.Problems);
        Served(store.Store, First);
        Served(store.Store, Second);
    }

    [Fact]
    public async Task Import_ManifestWhoseBlobIsNowhere_SkippedByNameTheRestGoesIn()
    {
        using var media = new TempDirectory("import-missing");
        using var store = new StoreFixture();
        var other = TestImage.Create("apps/other", "1", seed: 12);
        MediaWriter.OcMirrorV2(media.File("mirror_000001.tar"), [Second, other], omit: new HashSet<Storage.Digests.Digest> { TestContent.Sha256(SharedLayer) });

        var result = await ImportAsync(store.Store, media.Path);

        var problem = Assert.Single(result.Report.Problems, p => p.Kind == "manifest");
        Assert.Contains($"ocp/release@{Second.Digest}", problem.Subject, StringComparison.Ordinal);
        Assert.Contains(TestContent.Sha256(SharedLayer).ToString(), problem.Message, StringComparison.Ordinal);
        Assert.Contains(result.Report.Problems, p => p.Kind == "tag" && p.Subject == "ocp/release:4.18.2");
        Assert.Null(store.Store.GetManifest(Storage.Naming.RepositoryName.Parse("ocp/release"), "4.18.2"));
        Served(store.Store, other);
        NothingDangles(store.Store);
    }

    [Fact]
    public async Task Import_CorruptBlob_RefusedWithDigestAndPositionNothingStoredTouched()
    {
        using var media = new TempDirectory("import-corrupt");
        using var store = new StoreFixture();
        var before = TestImage.Create("apps/before", "1", seed: 13);
        await ImportAsync(store.Store, WriteV2(media, "before.tar", [before]));
        var snapshot = store.Snapshot();
        byte[] victim = First.Layers[0];
        string archive = media.File("corrupt.tar");
        MediaWriter.OcMirrorV2(archive, [First], damage: blob => blob == victim ? Flip(blob) : blob);

        var result = await ImportAsync(store.Store, archive);

        var refused = Assert.Single(result.Report.Problems, p => p.Kind == "blob");
        string hex = TestContent.Sha256(victim).Hex;
        Assert.Equal($"sha256:{hex}", refused.Subject);
        Assert.Contains(archive, refused.Position, StringComparison.Ordinal);
        Assert.Contains($"docker/registry/v2/blobs/sha256/{hex[..2]}/{hex}/data", refused.Position, StringComparison.Ordinal);
        Assert.Contains("at byte", refused.Position, StringComparison.Ordinal);
        Assert.Null(store.Store.BlobLength(TestContent.Sha256(victim)));
        Assert.Null(store.Store.GetManifest(Storage.Naming.RepositoryName.Parse("ocp/release"), "4.18.1"));
        foreach (var (path, bytes) in snapshot) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(store.Root, path)));
        Served(store.Store, before);
        NothingDangles(store.Store);
    }

    [Fact]
    public async Task Import_TruncatedTar_ReportsWhereKeepsVerifiedBlobsAndNoDanglingManifest()
    {
        using var media = new TempDirectory("import-truncated");
        using var store = new StoreFixture();
        string whole = WriteV2(media, "whole.tar", [First, Second]);
        string cut = media.File("mirror_000001.tar");
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 3)]);

        var result = await ImportAsync(store.Store, cut);

        Assert.False(result.Report.Completed);
        Assert.Contains(result.Report.Problems, p => p.Kind == "medium" && p.Message.Contains(cut, StringComparison.Ordinal));
        Assert.Empty(store.Store.EnumerateManifests());
        NothingDangles(store.Store);

        var rerun = await ImportAsync(store.Store, whole);

        Assert.Empty(rerun.Report.Problems);
        Assert.True(rerun.Report.BlobsPresent > 0);
        Served(store.Store, First);
        Served(store.Store, Second);
    }

    [Fact]
    public async Task Import_RunTwice_SecondRunSkipsEverythingWithoutReadingIt()
    {
        using var media = new TempDirectory("import-rerun");
        using var store = new StoreFixture();
        string archive = WriteV2(media, "mirror_000001.tar", [First, Second]);

        var first = await ImportAsync(store.Store, archive);
        var second = await ImportAsync(store.Store, archive);

        Assert.Equal(0, second.Report.BlobsImported);
        Assert.Equal(first.Report.BlobsImported, second.Report.BlobsPresent);
        Assert.Equal(first.Report.BlobBytesImported, second.Report.BlobBytesPresent);
        Assert.Equal(2, second.Report.ManifestsPresent);
        Assert.Equal(2, second.Report.TagsPresent);
        Assert.Empty(second.Report.Problems);
    }

    [Fact]
    public async Task Import_DryRun_ListsImagesAndSpaceWritesNothing()
    {
        using var media = new TempDirectory("import-dry");
        using var store = new StoreFixture();
        string archive = WriteV2(media, "mirror_000001.tar", [First]);
        var before = store.Snapshot();

        var result = await ImportAsync(store.Store, archive, new ImportOptions { DryRun = true });

        Assert.True(result.Report.DryRun);
        Assert.Equal(First.Blobs.Sum(b => (long)b.Length) + First.Manifest.Length, result.Report.BytesNeeded);
        var listed = Assert.Single(result.Report.Manifests);
        Assert.Equal(ManifestStates.WouldImport, listed.State);
        Assert.Equal(["4.18.1"], listed.Tags);
        Assert.Equal(before.Keys, store.Snapshot().Keys);
    }

    [Fact]
    public async Task Import_HostileEntries_EachRefusedByNameNothingWrittenOutside()
    {
        using var media = new TempDirectory("import-hostile");
        using var store = new StoreFixture();
        string archive = media.File("mirror_000001.tar");
        var image = TestImage.Create("apps/safe", "1", seed: 14);
        using (var tar = new TarBuilder(archive))
        {
            tar.Text("../evil", "x")
               .Text("/etc/edgereg-evil", "x")
               .Symlink("v2/apps/safe/manifests/latest", "/etc/passwd")
               .Symlink("v2/apps/safe/manifests/up", "../../../../etc/shadow")
               .HardLink($"blobs/{TestContent.Sha256(image.Config)}", "../../etc/passwd")
               .Entry(TarEntryType.CharacterDevice, "dev/zero")
               .Entry(TarEntryType.Fifo, "v2/apps/safe/blobs/fifo");
        }

        MediaWriter.OcMirrorV1(media.File("safe.tar"), [image]);
        var hostile = await ImportAsync(store.Store, archive);
        var safe = await ImportAsync(store.Store, media.File("safe.tar"));

        string[] refused = [.. hostile.Report.Problems.Select(p => p.Subject)];
        Assert.Contains("../evil", refused);
        Assert.Contains("/etc/edgereg-evil", refused);
        Assert.Contains("v2/apps/safe/manifests/latest", refused);
        Assert.Contains("v2/apps/safe/manifests/up", refused);
        Assert.Contains($"blobs/{TestContent.Sha256(image.Config)}", refused);
        Assert.Contains("dev/zero", refused);
        Assert.Contains("v2/apps/safe/blobs/fifo", refused);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(media.Path)!, "evil")));
        Assert.False(File.Exists("/etc/edgereg-evil"));
        Assert.Empty(safe.Report.Problems);
        Served(store.Store, image);
    }

    private static string WriteV2(TempDirectory media, string name, TestImage[] images)
    {
        string path = media.File(name);
        MediaWriter.OcMirrorV2(path, images);
        return path;
    }

    private static byte[] Flip(byte[] blob)
    {
        byte[] copy = (byte[])blob.Clone();
        copy[copy.Length / 2] ^= 0xff;
        return copy;
    }
}
