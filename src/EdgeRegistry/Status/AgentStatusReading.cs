namespace EdgeRegistry.Status;

/// <summary>What asking the agent gave: its document, or why there is none (the agent is down or not answering).</summary>
internal sealed record AgentStatusReading(AgentStatusDocument? Document, string? Error);
