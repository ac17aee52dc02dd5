namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// What the executable's status line and metrics read of background convergence: how many blobs this node still
/// has to copy from its peers. The queue itself stays internal to replication.
/// </summary>
public interface IReplicationBacklog
{
    /// <summary>Blobs waiting or being copied.</summary>
    int Pending { get; }
}
