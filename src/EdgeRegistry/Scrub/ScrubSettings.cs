namespace EdgeRegistry.Scrub;

/// <summary>
/// The scrub's settings as `serve` resolved them. A pass starts every <see cref="Period"/> (counted from the start of
/// the last one) and reads at <see cref="BytesPerSecond"/> — raised, for a store too big to be read at that rate within
/// 90% of the period, to what it needs (see <see cref="ScrubPace.EffectiveRate"/>): the period is the promise, the
/// rate is the normal pace.
/// </summary>
internal sealed record ScrubSettings
{
    /// <summary>A modest share of a node disk's bandwidth: a 500 GB mirror is re-read in about 7 hours.</summary>
    public const long DefaultBytesPerSecond = 20L << 20;

    /// <summary>Below this a pass of even a small mirror would never end.</summary>
    public const long MinRate = 64L << 10;

    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    public static readonly TimeSpan MinPeriod = TimeSpan.FromHours(1);

    public long BytesPerSecond { get; init; } = DefaultBytesPerSecond;

    /// <summary>Zero: no scheduled passes, only `edgereg scrub --now` (and reads still quarantine short files).</summary>
    public TimeSpan Period { get; init; } = DefaultPeriod;
}
