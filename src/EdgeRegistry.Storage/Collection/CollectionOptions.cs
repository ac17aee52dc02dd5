namespace EdgeRegistry.Storage.Collection;

/// <summary>How the garbage collector decides (see <see cref="GarbageCollector"/>).</summary>
public sealed record CollectionOptions
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultPullRetention = TimeSpan.FromDays(30);

    /// <summary>Nothing younger than this is collected (0 allowed: tests and emergencies).</summary>
    public TimeSpan Grace { get; init; } = DefaultGrace;

    /// <summary>A manifest pushed or pulled on any node within this window is a root.</summary>
    public TimeSpan PullRetention { get; init; } = DefaultPullRetention;

    public IReadOnlyList<CollectionPin> Pins { get; init; } = [];

    /// <summary>Per repository pattern; the first that matches a repository applies to it.</summary>
    public IReadOnlyList<RetentionPolicy> Policies { get; init; } = [];
}
