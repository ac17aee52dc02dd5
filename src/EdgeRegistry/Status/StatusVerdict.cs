namespace EdgeRegistry.Status;

/// <summary>The one word at the top of `edgereg status`, and its exit code.</summary>
internal enum StatusVerdict
{
    /// <summary>Exit 0: everything answers and nothing needs attention.</summary>
    Healthy = 0,

    /// <summary>Exit 1: serving, but something needs attention (a peer, a unit, disk space, not ready yet).</summary>
    Degraded = 1,

    /// <summary>Exit 2: the agent is not answering or the store cannot be read.</summary>
    Down = 2,
}
