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
        local.Build();
        // Reading a big store makes records, digest strings and lists for every object, all garbage once the
        // packed inventory holds them; the workstation GC would keep that heap committed for as long as the process
        // runs (a clustered node with 100 k objects idled at ~200 MB instead of ~100). One compacting collection at
        // start-up gives it back, before the unit's MemoryHigh could throttle us for it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        store.Changed += local.OnStoreChanged;
        store.Pulls.Advanced += local.OnPulled;
        return local;
    }
}
