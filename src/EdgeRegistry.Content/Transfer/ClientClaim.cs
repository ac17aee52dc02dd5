namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// A client's request to take over a background copy of the blob it wants, instead of starting a second transfer
/// or waiting for the whole copy before its first byte. The background copy stops at the next chunk and hands the
/// flight over: the client then drives it, continuing the flight's import (its prefix is sent from the disk and
/// the rest asked for with a Range), or finds the flight complete.
/// </summary>
public sealed class ClientClaim
{
    private readonly TaskCompletionSource _handover = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void HandOver() => _handover.TrySetResult();

    /// <summary>Not cancellable on purpose: once claimed, the flight must always get its driver.</summary>
    public Task TakeAsync() => _handover.Task;
}
