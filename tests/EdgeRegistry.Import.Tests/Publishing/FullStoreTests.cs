using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Import.Tests.Fixtures;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Capacity;
using static EdgeRegistry.Import.Tests.Publishing.ImportAssertions;

namespace EdgeRegistry.Import.Tests.Publishing;

/// <summary>
/// An import into a store on a real, small tmpfs: it reserves each blob through the store's disk guard as a push does,
/// so the operator's --min-free (or --max-store-bytes) stops it with a sentence naming the limit and what is free, and a
/// file system that fills anyway (no guard) stops it as a full disk. Either way nothing stored is lost or changed, no
/// temporary file is left, nothing dangles, and the same import resumes once there is room.
/// </summary>
public sealed class FullStoreTests : IAsyncLifetime
{
    private const long MiB = 1 << 20;
    private const long TmpfsBytes = 48 * MiB;

    private static readonly TestImage Small = TestImage.Create("apps/small", "1", seed: 40);

    /// <summary>One 24 MiB layer: it fits on the tmpfs, but not above a 32 MiB --min-free.</summary>
    private static readonly TestImage Big = TestImage.Create("apps/big", "1", seed: 41, layerCount: 1, layerBytes: (int)(24 * MiB));

    private readonly TempDirectory _media = new("import-full-media");
    private TmpfsMount? _tmpfs;

    private string Root => Path.Combine(_tmpfs!.Path, "store");

    public async Task InitializeAsync() => _tmpfs = await TmpfsMount.MountAsync(_media.File("tmpfs"), TmpfsBytes);

    public async Task DisposeAsync()
    {
        if (_tmpfs is not null) await _tmpfs.DisposeAsync();
        _media.Dispose();
    }

    [Fact]
    public async Task Import_BlobPastMinFree_StopsNamingTheLimitAndFreeSpace_StoredContentIntact_ResumesWithRoom()
    {
        var guarded = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(32 * MiB) };
        var store = RegistryStore.Open(new StoreOptions { Root = Root, DiskGuard = guarded });
        Assert.Empty((await ImportAsync(store, WriteV2("small.tar", Small))).Report.Problems);
        var before = Snapshot();

        var result = await ImportAsync(store, WriteV2("big.tar", Big));

        Assert.False(result.Report.Completed);
        var refused = Assert.Single(result.Report.Problems);
        Assert.Equal("space", refused.Kind);
        string layer = TestContent.Sha256(Big.Layers[0]).ToString();
        Assert.Contains(layer, refused.Message, StringComparison.Ordinal);
        Assert.Contains("big.tar", refused.Message, StringComparison.Ordinal); // where on the medium
        Assert.Contains("--min-free limit of 32.0 MiB", refused.Message, StringComparison.Ordinal);
        Assert.Matches(@"would leave [0-9.]+ MiB free", refused.Message);
        Assert.Contains("existing content is intact", refused.Message, StringComparison.Ordinal);
        Assert.Null(store.BlobLength(TestContent.Sha256(Big.Layers[0])));
        AssertIntact(before);
        Served(store, Small);
        NothingDangles(store);
        Assert.Equal(1, store.Guard.Refusals);

        // The operator lowers --min-free (or frees space): the same archive goes in, what was committed is skipped.
        var roomy = RegistryStore.Open(new StoreOptions { Root = Root, DiskGuard = guarded with { MinFree = SpaceLimit.OfBytes(4 * MiB) } });
        var rerun = await ImportAsync(roomy, _media.File("big.tar"));
        Assert.True(rerun.Report.Completed);
        Assert.Empty(rerun.Report.Problems);
        Served(roomy, Big);
        Served(roomy, Small);
    }

    [Fact]
    public async Task DryRun_MoreThanTheGuardAllows_ListsTheImageAndSaysTheWritesWouldBeRefused()
    {
        var store = RegistryStore.Open(new StoreOptions { Root = Root, DiskGuard = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(32 * MiB) } });

        var result = await ImportAsync(store, WriteV2("big.tar", Big), new ImportOptions { DryRun = true });

        Assert.Equal(ManifestStates.WouldImport, Assert.Single(result.Report.Manifests).State);
        Assert.True(result.Report.BytesNeeded >= 24 * MiB);
        var refused = Assert.Single(result.Report.Problems);
        Assert.Equal("space", refused.Kind);
        Assert.Contains("this import", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--min-free", refused.Message, StringComparison.Ordinal);
        Assert.Null(store.BlobLength(TestContent.Sha256(Big.Layers[0])));
    }

    [Fact]
    public async Task Import_FileSystemFillsWithoutAGuard_StopsAsAFullDisk_StoredContentIntactNoTemporaryFileLeft()
    {
        var store = RegistryStore.Open(new StoreOptions { Root = Root, DiskGuard = DiskGuardOptions.None });
        Assert.Empty((await ImportAsync(store, WriteV2("small.tar", Small))).Report.Problems);
        // Leave less room than the big layer needs: the kernel refuses the write (ENOSPC), not the guard.
        _tmpfs!.Fill("ballast", 30 * MiB);
        var before = Snapshot();

        var result = await ImportAsync(store, WriteV2("big.tar", Big));

        Assert.False(result.Report.Completed);
        var refused = Assert.Single(result.Report.Problems);
        Assert.Equal("space", refused.Kind);
        Assert.Contains("disk is full", refused.Message, StringComparison.Ordinal);
        Assert.Contains(TestContent.Sha256(Big.Layers[0]).ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Null(store.BlobLength(TestContent.Sha256(Big.Layers[0])));
        AssertIntact(before);
        Served(store, Small);
        NothingDangles(store);
    }

    private string WriteV2(string name, TestImage image)
    {
        string path = _media.File(name);
        MediaWriter.OcMirrorV2(path, [image]);
        return path;
    }

    /// <summary>Every file under the store root, with its bytes.</summary>
    private SortedDictionary<string, byte[]> Snapshot() =>
        new(Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(Root, path), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>
    /// Nothing lost or changed: every file is there with its bytes. What was added is only whole, verified blobs the
    /// import committed before the refusal (a later run skips them) — no temporary file, no manifest, link or tag.
    /// </summary>
    private void AssertIntact(SortedDictionary<string, byte[]> before)
    {
        var after = Snapshot();
        foreach (var (path, bytes) in before)
        {
            Assert.True(after.TryGetValue(path, out var now), $"{path} was lost");
            Assert.True(bytes.AsSpan().SequenceEqual(now), $"{path} changed");
        }

        foreach (var (path, bytes) in after.Where(file => !before.ContainsKey(file.Key)))
        {
            Assert.Matches(@"^docker/registry/v2/blobs/sha256/[0-9a-f]{2}/([0-9a-f]{64})/data$", path);
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(path)), TestContent.Sha256(bytes).Hex);
        }
    }
}
