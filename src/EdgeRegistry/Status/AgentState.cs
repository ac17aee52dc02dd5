namespace EdgeRegistry.Status;

/// <summary>When the agent started and when it became ready (store recovered, every listener bound).</summary>
internal sealed class AgentState
{
    private readonly TimeProvider _time;
    private DateTimeOffset? _readyAt;

    public AgentState(TimeProvider time)
    {
        _time = time;
        StartedAt = time.GetUtcNow();
    }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? ReadyAt => _readyAt;

    public void MarkReady() => _readyAt ??= _time.GetUtcNow();

    public TimeSpan Uptime => _time.GetUtcNow() - StartedAt;
}
