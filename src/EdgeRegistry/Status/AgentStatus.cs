namespace EdgeRegistry.Status;

/// <summary>The running agent, as the status endpoint reports it.</summary>
internal sealed record AgentStatus(
    string Version,
    int Pid,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    IReadOnlyList<string> Listen,
    bool Ready,
    DateTimeOffset? ReadyAt);
