using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>
/// A client's request to take over a background copy of the blob it wants, instead of starting a second transfer
/// or waiting for the whole copy before its first byte. The background copy stops at the next chunk and hands over
/// its partly written import, or null when it has nothing to hand over: it finished (then the flight is complete)
/// or had not started writing. (A client read-through streams from the first byte and hashes it once for the
/// client and the store, so it discards a handed-over prefix rather than hash every byte twice; see ClientTee.)
/// </summary>
internal sealed class ClientClaim
{
    private readonly TaskCompletionSource<BlobImport?> _handover = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void HandOver(BlobImport? import)
    {
        if (!_handover.TrySetResult(import)) import?.Abort();
    }

    /// <summary>Not cancellable on purpose: the import handed over must always have an owner.</summary>
    public Task<BlobImport?> TakeAsync() => _handover.Task;
}
