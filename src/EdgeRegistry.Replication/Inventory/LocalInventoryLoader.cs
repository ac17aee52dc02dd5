using EdgeRegistry.Storage;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// Builds this node's <see cref="LocalInventory"/> once: reads the whole store, then subscribes to its changes.
/// The read happens when the inventory is first resolved (the host resolves it right after opening the store), so a
/// store failure surfaces at start-up, not on the first peer request.
/// </summary>
internal sealed class LocalInventoryLoader(IRegistryStore store, VersionFiles versions, HybridLogicalClock clock, ReplicationOptions options)
{
    public LocalInventory Load()
    {
        var local = new LocalInventory(store, versions, clock, options.Self);
        // Reading a big store makes records, digest strings and lists for every object, all garbage once the packed
        // inventory holds them: the host's heap trimmer gives it back right after this build (RegistryHost.OpenStore).
        local.Build();
        store.Changed += local.OnStoreChanged;
        store.Pulls.Advanced += local.OnPulled;
        return local;
    }
}
