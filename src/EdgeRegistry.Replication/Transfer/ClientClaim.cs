using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>
/// A client's request to take over a background copy of the blob it wants, instead of starting a second transfer
/// or waiting for the whole copy before its first byte. The background copy stops at the next chunk and hands over
/// its partly written import (the client is sent that prefix from the disk and the rest continues from there), or
/// null when it has nothing to hand over: it finished (then the flight is complete) or had not started writing.
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
