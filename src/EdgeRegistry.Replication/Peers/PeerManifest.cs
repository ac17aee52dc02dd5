using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Peers;

/// <summary>A manifest as a peer served it, already verified against its digest; with the peer's tag entry when fetched by tag.</summary>
internal sealed record PeerManifest(Digest Digest, byte[] Content, InventoryEntry? TagEntry, InventoryEntry? ManifestEntry);
