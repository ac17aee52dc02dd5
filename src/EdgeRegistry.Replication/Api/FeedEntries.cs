using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Api;

/// <summary>Conversion between inventory entries and their wire form, validating everything a peer sends.</summary>
internal static class FeedEntries
{
    public static FeedEntry ToWire(InventoryEntry entry, long sequence) => new(
        entry.Kind switch { EntryKind.Blob => "b", EntryKind.Manifest => "m", EntryKind.Pull => "p", _ => "t" },
        entry.Repository?.Value, entry.Tag, entry.Digest?.ToString(), entry.Size, entry.Version, entry.Node, entry.Deleted, sequence);

    /// <summary>The entry, or null when the peer sent something malformed (it is skipped, never trusted).</summary>
    public static InventoryEntry? FromWire(FeedEntry wire)
    {
        EntryKind? kind = wire.K switch { "b" => EntryKind.Blob, "m" => EntryKind.Manifest, "t" => EntryKind.Tag, "p" => EntryKind.Pull, _ => null };
        if (kind is null || wire.S < 0 || wire.V < 0 || wire.N is null || wire.N.Length > 300) return null;
        RepositoryName? repository = null;
        if (wire.R is not null && !RepositoryName.TryParse(wire.R, out repository)) return null;
        Digest? digest = null;
        if (wire.D is not null)
        {
            if (!Digest.TryParse(wire.D, out var parsed)) return null;
            digest = parsed;
        }
        bool valid = kind switch
        {
            // A blob tombstone is a link deleted from one repository, so it names the repository.
            EntryKind.Blob => digest is not null && (!wire.X || repository is not null),
            EntryKind.Manifest => digest is not null && repository is not null,
            EntryKind.Pull => digest is not null && repository is null && !wire.X,
            _ => repository is not null && Tag.IsValid(wire.T) && (wire.X || digest is not null),
        };
        return valid ? new InventoryEntry(kind.Value, repository, kind == EntryKind.Tag ? wire.T : null, digest, wire.S, wire.V, wire.N, wire.X) : null;
    }
}
