using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// The one transfer of a digest from the peers that is under way (single flight): client read-throughs and
/// background convergence asking for the same blob all wait on <see cref="Stored"/> instead of fetching it again.
/// It is driven either by background convergence or by a client; a client may take a background-driven flight
/// over (<see cref="TryClaim"/>), after which the background driver stops and the client drives.
/// <para>
/// The flight owns the blob's half-written <see cref="Import"/> from its first byte until it is committed
/// (<see cref="Commit"/>) or dropped (<see cref="DropImport"/>, or <see cref="Finish"/> without a claimant): drivers
/// change, the owner does not. Only the current driver touches it.
/// </para>
/// </summary>
public sealed class BlobFlight
{
    private readonly TaskCompletionSource<bool> _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<BlobFlight> _onDone;
    private readonly CancellationTokenSource _stopBackground = new();
    private readonly Lock _lock = new();
    private ClientClaim? _claim;
    private bool _finished;

    public BlobFlight(Digest digest, bool clientDriven, Action<BlobFlight> onDone)
    {
        Digest = digest;
        ClientDriven = clientDriven;
        _onDone = onDone;
    }

    public Digest Digest { get; }

    /// <summary>True once the blob is committed in the store, false when no peer could supply it this time.</summary>
    public Task<bool> Stored => _stored.Task;

    /// <summary>True when a client drives (or has claimed) the flight: then there is nothing left to claim.</summary>
    public bool ClientDriven { get; private set; }

    /// <summary>Cancelled when a client claims the flight: the background copy stops reading at once.</summary>
    public CancellationToken BackgroundStop => _stopBackground.Token;

    /// <summary>What has been written of the blob so far (the next driver continues it), or null.</summary>
    public BlobImport? Import { get; private set; }

    /// <summary>Starts the import, of the length the first peer announced; the flight owns it from now on.</summary>
    public BlobImport BeginImport(IRegistryStore store, long length)
    {
        if (Import is not null) throw new InvalidOperationException($"the flight of {Digest} already has an import");
        return Import = store.BeginBlobImport(Digest, length);
    }

    /// <summary>Verifies and publishes the import (see <see cref="BlobImport.Commit"/>); the import is gone either way.</summary>
    public BlobInfo Commit(RepositoryName repository)
    {
        var import = Import ?? throw new InvalidOperationException($"the flight of {Digest} has no import to commit");
        Import = null;
        return import.Commit(repository); // a failed commit removes the temporary file itself
    }

    /// <summary>Discards what was written (wrong bytes, a failed disk, a peer that ignored the Range): the next copy starts afresh.</summary>
    public void DropImport()
    {
        Import?.Abort();
        Import = null;
    }

    /// <summary>A client takes the background copy over; null when a client already drives it or it is done.</summary>
    public ClientClaim? TryClaim()
    {
        var claim = new ClientClaim();
        lock (_lock)
        {
            if (ClientDriven || _finished) return null;
            ClientDriven = true;
            _claim = claim;
        }
        // Cancelling may run the background copy to its end on this thread, and Finish clears _claim as it hands
        // over: the claim returned is the local one, or the client would wait on a flight nobody drives.
        _stopBackground.Cancel();
        return claim;
    }

    /// <summary>
    /// The driver is done. Stored: the flight completes. Otherwise, if a client claimed it, that client drives it
    /// from now on (continuing <see cref="Import"/>) and the flight stays open; if not, the import is dropped and
    /// the flight fails. A second call changes nothing already decided (a safety net may call it after the driver did).
    /// </summary>
    public void Finish(bool stored)
    {
        ClientClaim? claim;
        lock (_lock)
        {
            claim = _claim;
            _claim = null;
            if (stored || claim is null) _finished = true;
        }
        if (!stored && claim is not null)
        {
            claim.HandOver();
            return;
        }
        // Clean up before anyone waiting on the flight looks at the store; a claimant learns the flight is done
        // (Stored completed) before its claim returns.
        if (!stored) DropImport();
        _onDone(this);
        _stored.TrySetResult(stored);
        claim?.HandOver();
    }
}
