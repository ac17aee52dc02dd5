using System.Threading.Channels;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// Reads a peer's response body in large chunks ahead of its consumer, so the network keeps flowing while the
/// consumer hashes, writes to the client or to disk. At most <c>depth</c> chunks wait; the reader then pauses.
/// Reading stops at end of stream or after <c>limit + 1</c> bytes (one more than announced is enough to know the
/// peer sent too much). Disposing stops the reader and returns every unconsumed buffer to the pool.
/// </summary>
public sealed class ReadAheadReader : IAsyncDisposable
{
    public static int ChunkBytes => Chunk.Capacity;

    /// <summary>Chunks read ahead by default: 8 MiB in flight keeps loopback and LAN peers streaming while the consumer works.</summary>
    public const int DefaultDepth = 8;

    private readonly Stream _source;
    private readonly long _limit;
    private readonly Channel<Chunk> _chunks;
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;

    /// <param name="source">The response body.</param>
    /// <param name="startOffset">The blob offset of the first byte of <paramref name="source"/>.</param>
    /// <param name="limit">Bytes the consumer expects from <paramref name="source"/>; null when unknown.</param>
    public ReadAheadReader(Stream source, long startOffset, long? limit, int depth, CancellationToken cancellationToken)
    {
        _source = source;
        _limit = limit is long l ? l + 1 : long.MaxValue;
        _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = Task.Run(() => ProduceAsync(startOffset, _stop.Token));
    }

    /// <summary>The next chunk in order (the caller releases it), or null at the end. Throws what reading threw.</summary>
    public async ValueTask<Chunk?> NextAsync(CancellationToken cancellationToken)
    {
        while (await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_chunks.Reader.TryRead(out var chunk)) return chunk;
        }
        return null;
    }

    private async Task ProduceAsync(long offset, CancellationToken cancellationToken)
    {
        long read = 0;
        try
        {
            while (read < _limit)
            {
                var chunk = Chunk.Rent(offset + read);
                int want = (int)Math.Min(ChunkBytes, _limit - read);
                bool end = false;
                try
                {
                    while (chunk.Length < want)
                    {
                        int n = await _source.ReadAsync(chunk.Free[..(want - chunk.Length)], cancellationToken).ConfigureAwait(false);
                        if (n == 0)
                        {
                            end = true;
                            break;
                        }
                        chunk.Filled(n);
                    }
                }
                catch
                {
                    chunk.Release();
                    throw;
                }
                if (chunk.Length == 0)
                {
                    chunk.Release();
                    break;
                }
                read += chunk.Length;
                if (!_chunks.Writer.TryWrite(chunk))
                {
                    try
                    {
                        await _chunks.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        chunk.Release();
                        throw;
                    }
                }
                if (end) break;
            }
            _chunks.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _chunks.Writer.TryComplete(e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? new IOException("reading from the peer was cancelled", e)
                : e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Its failure already went to the consumer, or nobody is left to care.
        }
        while (_chunks.Reader.TryRead(out var chunk)) chunk.Release();
        _stop.Dispose();
    }
}
