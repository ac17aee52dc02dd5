namespace EdgeRegistry.Fuzz.Targets;

/// <summary>Every target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["manifest", "route", "range", "feed", "config", "mirrors", "rejection", "users", "dbus", "tar"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "manifest" => new ManifestJsonTarget(),
        "route" => new RouteTarget(),
        "range" => new RangeTarget(),
        "feed" => new FeedPageTarget(),
        "config" => new ConfigFileTarget(),
        "mirrors" => new MirrorYamlTarget(),
        "rejection" => new RejectionTarget(),
        "users" => new UserTableTarget(),
        "dbus" => new SystemdReplyTarget(),
        "tar" => new TarMediaTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}'; one of: {string.Join(", ", Names)}", nameof(name)),
    };
}
