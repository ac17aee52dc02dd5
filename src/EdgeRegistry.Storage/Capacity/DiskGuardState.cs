namespace EdgeRegistry.Storage.Capacity;

/// <summary>How close the store is to the guard's limits.</summary>
public enum DiskGuardState
{
    /// <summary>Room to spare.</summary>
    Ok,

    /// <summary>Within <see cref="DiskGuard.NearShare"/> of a limit: writes still go in, garbage collection should run early.</summary>
    Near,

    /// <summary>At a limit: pushes get 507, background copies wait. Serving goes on.</summary>
    Over,
}
