using EdgeRegistry.Scrub;

namespace EdgeRegistry.Host.Tests.Scrub;

/// <summary>The scrub's pace: the configured rate, raised only when a pass could not fit the period at it.</summary>
public sealed class ScrubPaceTests
{
    [Fact]
    public void PlanPass_StoreThatFitsThePeriod_KeepsTheConfiguredRate()
    {
        var pace = new ScrubPace(new ScrubSettings(), new ClientTraffic(), TimeProvider.System);

        pace.PlanPass(500L << 30); // 500 GiB: ~7 h at 20 MiB/s, well inside 7 days

        Assert.Equal(20L << 20, pace.EffectiveRate);
        Assert.Equal(1 << 20, pace.ChunkBytes);
    }

    [Fact]
    public void PlanPass_StoreTooBigForThePeriod_RaisedToFitNinetyPercentOfIt()
    {
        var settings = new ScrubSettings { BytesPerSecond = 1L << 20, Period = TimeSpan.FromHours(1) };
        var pace = new ScrubPace(settings, new ClientTraffic(), TimeProvider.System);

        pace.PlanPass(10L << 30); // 10 GiB in 0.9 h

        Assert.Equal((long)Math.Ceiling((10L << 30) / 3240.0), pace.EffectiveRate);
    }

    [Fact]
    public void PlanPass_OnDemandOnly_KeepsTheConfiguredRateAndSmallChunksForSlowRates()
    {
        var pace = new ScrubPace(new ScrubSettings { BytesPerSecond = 64 << 10, Period = TimeSpan.Zero }, new ClientTraffic(), TimeProvider.System);

        pace.PlanPass(1L << 40);

        Assert.Equal(64 << 10, pace.EffectiveRate);
        Assert.Equal(64 << 10, pace.ChunkBytes);
    }

    [Fact]
    public async Task BeforeRead_WhileRequestsAreInFlight_StepsAsideAtMostItsBudget()
    {
        var traffic = new ClientTraffic();
        var pace = new ScrubPace(new ScrubSettings(), traffic, TimeProvider.System);
        traffic.Enter(); // a request that never ends: the scrub must still go on

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await pace.BeforeReadAsync(1024, CancellationToken.None);

        Assert.InRange(watch.Elapsed, ScrubPace.YieldBudget * 0.9, ScrubPace.YieldBudget * 10);
    }
}
