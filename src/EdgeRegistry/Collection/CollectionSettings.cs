using EdgeRegistry.Storage.Collection;

namespace EdgeRegistry.Collection;

/// <summary>The collector's settings as `serve` resolved them: the schedule, and what the collector decides by.</summary>
internal sealed record CollectionSettings
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(24);

    /// <summary>Time between scheduled runs; zero turns them off (on-demand runs only).</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    public CollectionOptions Options { get; init; } = new();
}
