using System.Runtime.CompilerServices;
using EdgeRegistry.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>The trimmer on this process's own heap: a burst of gen2 garbage is given back, a steady heap is left alone.</summary>
public sealed class HeapTrimmerTests
{
    private const int BurstBytes = 64 << 20;

    [Fact]
    public void TrimIfGrown_AfterAPromotedBurstDied_GivesTheCommittedHeapBack()
    {
        var trimmer = NewTrimmer();
        PromoteAndDropBurst();
        long before = GC.GetGCMemoryInfo().TotalCommittedBytes;

        bool trimmed = trimmer.TrimIfGrown();

        long after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Assert.True(trimmed, $"no trim with {before:N0} bytes committed");
        Assert.True(after < before - BurstBytes / 2, $"committed {before:N0} -> {after:N0} bytes");
        Assert.Equal(1, trimmer.Trims);
    }

    [Fact]
    public void TrimIfGrown_RightAfterATrim_DoesNothing()
    {
        var trimmer = NewTrimmer();
        PromoteAndDropBurst();
        trimmer.TrimIfGrown();

        Assert.False(trimmer.TrimIfGrown());
    }

    [Fact]
    public void TrimNow_AfterAStartUpWalk_GivesItBackAndMeasuresLaterGrowthFromWhatIsLeft()
    {
        var trimmer = NewTrimmer();
        PromoteAndDropBurst();
        long before = GC.GetGCMemoryInfo().TotalCommittedBytes;

        trimmer.TrimNow();

        long after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Assert.True(after < before - BurstBytes / 2, $"committed {before:N0} -> {after:N0} bytes");
        // The walk's garbage is not the baseline: with nothing allocated since, there is no growth to trim.
        Assert.False(trimmer.TrimIfGrown());
        Assert.Equal(1, trimmer.Trims);
    }

    [Fact]
    public async Task OpenStore_TrimsOnceAfterTheStartUpWalks()
    {
        using var temp = new TempDirectory("trim-start");
        await using var registry = await Support.RunningRegistry.StartAsync(Support.RunningRegistry.Settings(temp.Path));

        Assert.True(registry.Services.GetRequiredService<HeapTrimmer>().Trims >= 1);
    }

    [Theory]
    [InlineData(100L << 20, 90L << 20, false)]
    [InlineData(100L << 20, 84L << 20, true)]
    [InlineData(50L << 20, 80L << 20, false)]
    public void IsDue_GrowthOverBaseline_TrimsFromSixteenMiB(long committed, long baseline, bool due) =>
        Assert.Equal(due, HeapTrimmer.IsDue(committed, baseline));

    /// <summary>A trimmer whose baseline is this process's heap with nothing left over from earlier tests.</summary>
    private static HeapTrimmer NewTrimmer()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return new HeapTrimmer(TimeProvider.System);
    }

    /// <summary>
    /// 64 MiB of small arrays kept through a full collection (so they sit in gen2, as a walk's queue of paths does),
    /// then dropped: the last collection saw them live, and no collection since knows they died.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PromoteAndDropBurst()
    {
        var burst = new List<byte[]>();
        for (int held = 0; held < BurstBytes; held += 4096) burst.Add(new byte[4096]);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.KeepAlive(burst);
    }
}
