using EdgeRegistry.Replication.Inventory;

namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// What this node has learned of one peer's inventory from its change feed, and where in that feed it stands.
/// Used to decide what to copy, to pick a peer that holds a blob without asking, and for `edgereg status`.
/// </summary>
internal sealed class PeerView
{
    private NodeInventory _inventory = new("", changeFeed: false);

    public NodeInventory Inventory => _inventory;

    /// <summary>The peer's epoch our cursor belongs to; null before the first page.</summary>
    public string? Epoch { get; private set; }

    public long Cursor { get; private set; }

    /// <summary>
    /// True once the whole feed has been read since the last <see cref="Reset"/>: only then does the inventory list
    /// everything the peer held. Until then (the first pages, or while they are being applied) it is partial.
    /// </summary>
    public bool Listed { get; private set; }

    public DateTimeOffset? LastConvergence { get; set; }

    /// <summary>Starts over: the peer restarted (new epoch) or its summary disagrees with what we learned.</summary>
    public void Reset(string epoch)
    {
        var replaced = _inventory;
        _inventory = new NodeInventory(epoch, changeFeed: false);
        replaced.Clear(); // gives its share of the process's inventory tables back
        Epoch = epoch;
        Cursor = 0;
        Listed = false;
    }

    /// <param name="caughtUp">The peer had nothing after this page: the inventory is a whole listing now.</param>
    public void Advance(long cursor, bool caughtUp)
    {
        Cursor = cursor;
        if (caughtUp) Listed = true;
    }

    /// <summary>Forgets the cursor so the next poll asks for a full listing.</summary>
    public void Invalidate() => Epoch = null;
}
