using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Transport.Tests.Support;

/// <summary>
/// Writes a file range as a response body by the protocol <see cref="IFileSendFeature"/> documents, the way the
/// registry's blob responses use it: sendfile when the connection offers it, by copy when it does not or when
/// sendfile refused the file.
/// </summary>
internal static class FileBody
{
    private const int ChunkBytes = 1 << 20;

    public static async Task WriteAsync(HttpContext context, FileStream file, long offset, long count)
    {
        var writer = context.Response.BodyWriter;
        if (context.Features.Get<IFileSendFeature>() is { CanSend: true } sender)
        {
            // The headers must be in the transport before the file is queued behind them.
            var flush = await writer.FlushAsync(context.RequestAborted);
            if (flush.IsCanceled || flush.IsCompleted) return;
            var send = sender.BeginSend(file, offset, count);
            if (await send.Accepted)
            {
                // Placeholder bytes for Kestrel's Content-Length accounting; the transport puts the file in their place.
                for (long left = count; left > 0;)
                {
                    var memory = writer.GetMemory((int)Math.Min(left, ChunkBytes));
                    int piece = (int)Math.Min(memory.Length, left);
                    writer.Advance(piece);
                    left -= piece;
                }

                await send.Completion;
                return;
            }
        }

        for (long position = offset, end = offset + count; position < end;)
        {
            var memory = writer.GetMemory((int)Math.Min(ChunkBytes, end - position));
            int read = RandomAccess.Read(file.SafeFileHandle, memory.Span[..(int)Math.Min(memory.Length, end - position)], position);
            if (read == 0) throw new IOException($"{file.Name} ended at {position}, before {end}");
            writer.Advance(read);
            position += read;
            var flush = await writer.FlushAsync(context.RequestAborted);
            if (flush.IsCanceled || flush.IsCompleted) return;
        }
    }
}
