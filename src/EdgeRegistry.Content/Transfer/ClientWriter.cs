using System.IO.Pipelines;

namespace EdgeRegistry.Content.Transfer;

/// <summary>Writes to a client that may leave at any moment: its leaving is an outcome, not an error.</summary>
public static class ClientWriter
{
    /// <returns>False when the client is gone.</returns>
    public static async ValueTask<bool> WriteAsync(PipeWriter client, ReadOnlyMemory<byte> bytes, CancellationToken clientAborted)
    {
        try
        {
            var flushed = await client.WriteAsync(bytes, clientAborted).ConfigureAwait(false);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }
}
