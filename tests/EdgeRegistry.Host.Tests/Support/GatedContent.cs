using System.Net;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>
/// A chunked request body sent in two parts: the second waits for <see cref="Release"/>, so a test can act
/// (e.g. stop the server) while the request is provably in flight.
/// </summary>
internal sealed class GatedContent(byte[] first, byte[] second) : HttpContent
{
    private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstPartSent => _firstSent.Task;

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        _firstSent.TrySetResult();
        await _release.Task;
        await stream.WriteAsync(second);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
