using System.IO.Abstractions;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;

namespace EdgeRegistry.Host.Tests.Status;

/// <summary>
/// The census on a real store written by the real RegistryStore, its clock moved by hand: requests only read the
/// counts; the background check recounts once the store changed and the period passed, or when the counts are
/// <see cref="CachedStoreCensus.MaxAge"/> old.
/// </summary>
public sealed class CachedStoreCensusTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ManualTime _time = new(DateTimeOffset.Parse("2026-12-02T01:00:00Z"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WalkIfDue_StoreChangedAndPeriodPassed_RecountsWithoutARequestWalking()
    {
        var root = _temp.File("store");
        var store = RegistryStore.Open(root);
        await StoreContent.PushImageAsync(store, "team/app", "v1", "one");
        using var census = new CachedStoreCensus(root, new FileSystem(), _time);
        store.Changed += _ => census.MarkChanged();
        await census.WalkIfDue()!;
        Assert.Equal(3, (await census.GetAsync(CancellationToken.None))!.Counts!.Blobs);

        await StoreContent.PushImageAsync(store, "team/db", "v1", "two");
        // A request never recounts, and the check waits for the period even though the store changed.
        Assert.Equal(3, (await census.GetAsync(CancellationToken.None))!.Counts!.Blobs);
        await census.WalkIfDue()!;
        Assert.Equal(3, (await census.GetAsync(CancellationToken.None))!.Counts!.Blobs);

        _time.Advance(census.Period);
        await census.WalkIfDue()!;

        var counts = (await census.GetAsync(CancellationToken.None))!.Counts!;
        Assert.Equal((2, 6L), (counts.Repositories, counts.Blobs));
        Assert.Equal(_time.GetUtcNow(), counts.CountedAt);
    }

    [Fact]
    public async Task WalkIfDue_NoWriteSeen_RecountsOnlyAtMaxAge()
    {
        var root = _temp.File("store");
        var store = RegistryStore.Open(root);
        using var census = new CachedStoreCensus(root, new FileSystem(), _time);
        await census.WalkIfDue()!;
        // Written behind the census's back (no MarkChanged): another process, a restore from backup.
        await StoreContent.PushImageAsync(store, "team/app", "v1", "one");

        _time.Advance(CachedStoreCensus.MaxPeriod);
        await census.WalkIfDue()!;
        Assert.Equal(0, (await census.GetAsync(CancellationToken.None))!.Counts!.Blobs);

        _time.Advance(CachedStoreCensus.MaxAge - CachedStoreCensus.MaxPeriod);
        await census.WalkIfDue()!;
        Assert.Equal(3, (await census.GetAsync(CancellationToken.None))!.Counts!.Blobs);
    }

    [Fact]
    public async Task GetAsync_BeforeAnyWalk_StartsTheFirstAndAnswersWithIt()
    {
        var root = _temp.File("store");
        await StoreContent.PushImageAsync(RegistryStore.Open(root), "team/app", "v1", "one");
        using var census = new CachedStoreCensus(root, new FileSystem(), TimeProvider.System);

        var result = await census.GetAsync(CancellationToken.None);

        Assert.Equal(3, result!.Counts!.Blobs);
        Assert.Null(result.Error);
    }
}
