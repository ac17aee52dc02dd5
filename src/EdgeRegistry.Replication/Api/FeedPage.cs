namespace EdgeRegistry.Replication.Api;

/// <summary>One page of a node's change feed (its inventory entries updated after a sequence number).</summary>
internal sealed record FeedPage(string Node, string Epoch, long Sequence, bool Reset, bool More, IReadOnlyList<FeedEntry> Entries);

/// <summary>An inventory entry on the wire: short names keep a full listing of a big store small.</summary>
internal sealed record FeedEntry(
    string K,
    string? R,
    string? T,
    string? D,
    long S,
    long V,
    string N,
    bool X,
    long Q);

/// <summary>A node's inventory summary: peers compare it with what they learned from its feed to detect drift.</summary>
internal sealed record InventorySummary(string Node, string Epoch, long Sequence, int Count, string Hash);
