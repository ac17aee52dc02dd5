namespace EdgeRegistry.Scrub;

/// <summary>
/// The scrub in `edgereg status --json` (<c>scrub</c>) and `edgereg scrub --json`: the pass under way, the last full
/// pass (kept across restarts in the cursor), the next one, and the damage found and repaired since the agent started.
/// </summary>
internal sealed record ScrubReport(
    bool Running,
    string? Phase,
    string? Position,
    DateTimeOffset? PassStarted,
    long PassBytes,
    long PassTotalBytes,
    long RateBytesPerSecond,
    DateTimeOffset? LastPassStarted,
    DateTimeOffset? LastPassEnded,
    DateTimeOffset? NextPass,
    long Passes,
    long BytesScrubbed,
    long DamageFound,
    long Repaired,
    IReadOnlyList<ScrubDamageReport> Unrepaired,
    long FailedPasses,
    string? LastError);

/// <summary>A damaged object no peer could repair yet: the manifests that need it answer 404 until one can.</summary>
internal sealed record ScrubDamageReport(string Object, string Kind, string Cause, string Problem, DateTimeOffset FoundAt);
