using EdgeRegistry.Storage;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// Makes this node's <see cref="LocalInventory"/> and subscribes it to the store's changes at once; the walk that fills
/// it runs later, in the background (<see cref="InventoryBuildService"/>). The host resolves the inventory right after
/// opening the store and before anything listens, so no write can land before the inventory follows the changes:
/// a push made while the walk runs is recorded by its event like any other.
/// </summary>
internal sealed class LocalInventoryLoader(IRegistryStore store, VersionFiles versions, HybridLogicalClock clock, ReplicationOptions options,
    InventoryBuild build)
{
    public LocalInventory Load()
    {
        var local = new LocalInventory(store, versions, clock, options.Self, build);
        store.Changed += local.OnStoreChanged;
        store.Pulls.Advanced += local.OnPulled;
        return local;
    }
}
