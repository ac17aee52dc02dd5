namespace EdgeRegistry.Status;

/// <summary>One upstream registry of the pull-through cache as `edgereg status` shows it (from memory only).</summary>
internal sealed record UpstreamReport(
    string Host,
    bool? Reachable,
    DateTimeOffset? LastContact,
    long BytesFetched,
    bool RateLimited,
    string? Error);
