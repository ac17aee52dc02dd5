using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Scrub;

namespace EdgeRegistry.Replication.Repair;

/// <summary>
/// Repairs what the scrub quarantined from the peers, through the paths every copy takes: a blob through the
/// <see cref="BlobFetcher"/> (single flight shared with read-through and convergence, verified against its digest,
/// committed atomically, throttled like convergence), a manifest's bytes through the peer's manifest API (verified)
/// and <see cref="IRegistryStore.ImportManifest"/>, at the version the peer holds it at. A peer whose own copy is
/// damaged serves bytes that do not verify: it is skipped, and the next peer is asked.
/// </summary>
internal sealed class PeerRepair(IRegistryStore store, PeerSet peers, BlobFetcher fetcher, FetchQueue queue) : IScrubRepair
{
    public async Task<RepairResult> RepairAsync(Damage damage, CancellationToken cancellationToken)
    {
        if (store.BlobLength(damage.Digest) is not null) return new RepairResult(true, "a good copy arrived meanwhile");
        return damage.IsManifest
            ? await RepairManifestAsync(damage, cancellationToken).ConfigureAwait(false)
            : await RepairBlobAsync(damage, cancellationToken).ConfigureAwait(false);
    }

    public bool IsArriving(Digest digest) => fetcher.Flights.Find(digest) is not null || queue.IsQueued(digest);

    private async Task<RepairResult> RepairBlobAsync(Damage damage, CancellationToken cancellationToken)
    {
        if (damage.LayerOf.Count == 0)
            return new RepairResult(false, "no repository links it, so nothing needs it (the collector removes such blobs)");
        // The other repositories' links stay in place: the bytes are shared, so one copy serves them all.
        bool stored = await fetcher.FetchAsync(damage.Digest, damage.LayerOf[0], throttled: true, cancellationToken).ConfigureAwait(false);
        return stored && store.BlobLength(damage.Digest) is not null
            ? new RepairResult(true, $"copied from a peer ({Asked()})")
            : new RepairResult(false, $"no peer holds a good copy (asked {Asked()})");
    }

    private async Task<RepairResult> RepairManifestAsync(Damage damage, CancellationToken cancellationToken)
    {
        foreach (var repository in damage.ManifestOf)
        {
            foreach (var peer in Candidates())
            {
                // Verified by the client against the digest asked for: a peer's damaged copy is refused here.
                var manifest = await peer.Client.GetManifestAsync(repository, damage.Digest.ToString(), cancellationToken).ConfigureAwait(false);
                if (manifest is null) continue;
                var entry = manifest.ManifestEntry
                    ?? new InventoryEntry(EntryKind.Manifest, repository, null, manifest.Digest, manifest.Content.Length, 0, "", false);
                store.ImportManifest(repository, manifest.Digest, manifest.Content, LocalInventory.VersionOf(entry));
                return new RepairResult(true, $"copied from peer {peer.Member}");
            }
        }
        return new RepairResult(false, $"no peer holds a good copy (asked {Asked()})");
    }

    /// <summary>The available peers, or all of them when every one is in back-off (each then costs one short connect timeout).</summary>
    private List<Peer> Candidates()
    {
        var available = peers.Available().ToList();
        return available.Count > 0 ? available : peers.All.ToList();
    }

    private string Asked() => peers.All.Count == 0 ? "no peers" : string.Join(", ", peers.All.Select(static p => p.Member));
}
