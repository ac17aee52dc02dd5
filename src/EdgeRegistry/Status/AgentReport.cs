namespace EdgeRegistry.Status;

/// <summary>
/// The agent in `edgereg status --json`. When it is not running, <see cref="Error"/> says why, the fields only
/// the agent knows are null, and <see cref="Listen"/> holds the configured addresses instead of the bound ones.
/// </summary>
internal sealed record AgentReport(
    bool Running,
    string Socket,
    string? Error,
    string? Version,
    int? Pid,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    IReadOnlyList<string> Listen,
    bool? Ready,
    DateTimeOffset? ReadyAt)
{
    public static AgentReport Up(string socket, AgentStatus agent) => new(
        true, socket, null, agent.Version, agent.Pid, agent.StartedAt, agent.UptimeSeconds, agent.Listen, agent.Ready, agent.ReadyAt);

    public static AgentReport Down(string socket, string error, IReadOnlyList<string> configuredListen) => new(
        false, socket, error, null, null, null, null, configuredListen, null, null);
}
