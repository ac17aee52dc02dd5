namespace EdgeRegistry.Storage;

/// <summary>What a health probe of the store found.</summary>
public enum StoreHealthState
{
    /// <summary>Reads and writes work.</summary>
    Healthy,

    /// <summary>
    /// Writes fail (a full or read-only file system, a broken temp area) but the store can still be read: every
    /// pull is still served, so the process must stay up. Pushes and copies get their own errors.
    /// </summary>
    Degraded,

    /// <summary>The store cannot be read: nothing can be served, a restart is the remedy worth trying.</summary>
    Unhealthy,
}

/// <summary>A probe's verdict and, unless healthy, what is wrong in words an operator reads.</summary>
public sealed record StoreHealth(StoreHealthState State, string? Problem)
{
    public static readonly StoreHealth Healthy = new(StoreHealthState.Healthy, null);
}
