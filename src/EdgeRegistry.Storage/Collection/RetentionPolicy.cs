namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// What the collector may delete in the repositories matching <see cref="Repositories"/> beyond what nothing
/// references. Tags are deleted only when the rule restricts them (<see cref="KeepTags"/> or <see cref="KeepLast"/>):
/// a tag survives when it matches a keep pattern or is among the <see cref="KeepLast"/> most recently pushed.
/// <see cref="UntaggedAfter"/> replaces the pull retention for untagged manifests of these repositories.
/// </summary>
public sealed record RetentionPolicy
{
    public required GlobPattern Repositories { get; init; }

    public IReadOnlyList<GlobPattern> KeepTags { get; init; } = [];

    public int? KeepLast { get; init; }

    public TimeSpan? UntaggedAfter { get; init; }

    public bool RestrictsTags => KeepTags.Count > 0 || KeepLast is not null;
}
