using EdgeRegistry.Storage.Capacity;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Capacity;

/// <summary>The guard's accounting on a real 16 MiB tmpfs: statvfs is the kernel's, the limits the operator's.</summary>
public sealed class DiskGuardTests : IDisposable
{
    private const long MiB = 1 << 20;
    private static readonly RepositoryName Repo = RepositoryName.Parse("edge/guard");
    private readonly ScratchMount _mount = ScratchMount.Mount("tmpfs", "size=16m");

    public void Dispose() => _mount.Dispose();

    private DiskGuard Guard(long minFreeBytes, long? maxStoreBytes = null) =>
        new(new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(minFreeBytes), MaxStoreBytes = maxStoreBytes }, _mount.Path);

    [Fact]
    public void TryReserve_TwoWritesThatFitOnlyAlone_SecondRefusedNamingMinFree()
    {
        var guard = Guard(minFreeBytes: 8 * MiB); // 16 MiB free: 8 MiB of room

        Assert.Null(guard.TryReserve(5 * MiB, "the first write", out var first));
        var refusal = guard.TryReserve(5 * MiB, "the second write", out var second);

        Assert.NotNull(refusal);
        Assert.Equal("min-free", refusal.Limit);
        Assert.Equal(8 * MiB, refusal.LimitBytes);
        Assert.Contains("--min-free", refusal.Message);
        Assert.Contains("the second write", refusal.Message);
        Assert.Equal(0, second.Bytes);
        Assert.Equal(1, guard.Refusals);
        first.Dispose();
    }

    [Fact]
    public void Release_WrittenBytesStillCounted_UntilStatvfsSeesThem()
    {
        var guard = Guard(minFreeBytes: 8 * MiB);
        using (guard.Reserve(6 * MiB, "a write"))
        {
            // The bytes really land while the reservation is held, as an upload's would.
            File.WriteAllBytes(Path.Combine(_mount.Path, "written"), new byte[6 * MiB]);
        }

        // Whether statvfs was read again or not, the 6 MiB count once: 2 MiB of room, not 8 and not -4.
        Assert.Null(guard.Check(1 * MiB, "a small write"));
        Assert.NotNull(guard.Check(3 * MiB, "a larger write"));
    }

    [Fact]
    public async Task AppendUpload_UnknownLengthPastMinFree_RefusedAndUploadCutBack()
    {
        var store = RegistryStore.Open(new StoreOptions
        {
            Root = _mount.Path,
            DiskGuard = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(4 * MiB) },
        });
        var upload = store.StartUpload(Repo);

        // No declared length: the guard is asked in 8 MiB steps, then byte-exact, and ~12 MiB of room do not hold 14.
        var error = await Assert.ThrowsAsync<StoreException>(() => store.AppendUploadAsync(Repo, upload.Id,
            StoreFixture.Body(new byte[14 * MiB]), 0, expectedLength: null, CancellationToken.None));

        Assert.Equal(StoreError.SpaceLimit, error.Error);
        Assert.Equal(0, store.GetUpload(Repo, upload.Id)!.Value.Length);
        Assert.Contains("limit=min-free", error.Detail);
    }

    [Fact]
    public async Task PutBlob_PastMaxStoreBytes_RefusedAndStoredBlobIntact()
    {
        var store = RegistryStore.Open(new StoreOptions
        {
            Root = _mount.Path,
            DiskGuard = new DiskGuardOptions { MinFree = SpaceLimit.OfBytes(0), MaxStoreBytes = 2 * MiB },
        });
        var blob = new byte[MiB + 1234];
        Random.Shared.NextBytes(blob);
        var digest = TestContent.Sha256(blob);
        await store.PutBlobAsync(Repo, digest, StoreFixture.Body(blob), blob.Length, CancellationToken.None);

        var error = await Assert.ThrowsAsync<StoreException>(() => store.PutBlobAsync(Repo, TestContent.Sha256(new byte[MiB]),
            StoreFixture.Body(new byte[MiB]), MiB, CancellationToken.None));

        Assert.Equal(StoreError.SpaceLimit, error.Error);
        Assert.Contains("--max-store-bytes", error.Message);
        using var reader = store.OpenBlob(Repo, digest);
        Assert.NotNull(reader);
        Assert.Equal(blob.Length, store.StatBlob(Repo, digest)!.Value.Length);
    }
}
