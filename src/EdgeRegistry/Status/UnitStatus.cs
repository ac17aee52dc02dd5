namespace EdgeRegistry.Status;

/// <summary>One systemd unit in `edgereg status --json`; states are null (and <see cref="Error"/> says why) when unknown.</summary>
internal sealed record UnitStatus(
    string Name,
    string? LoadState,
    string? ActiveState,
    string? SubState,
    DateTimeOffset? Since,
    uint? MainPid,
    string? Error);
