using System.Threading.Channels;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// The disk side of a read-through: chunks streamed to the client are queued here and written into the import
/// by a task of its own, so the client never waits on the disk. The queue is bounded: when the disk falls more
/// than the cap behind, the copy stops taking chunks (it is "dropped") — the client goes on at network speed, and
/// the import keeps the prefix already queued, for the flight to resume from there with a Range request.
/// </summary>
internal sealed class StoreCopy
{
    public const long DefaultLagCapBytes = 16 << 20;

    private readonly Channel<Chunk> _queue = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly BlobImport _import;
    private readonly long _lagCap;
    private readonly Task _writer;
    private long _queuedBytes;
    private volatile bool _closed;
    private StoreException? _failure;

    public StoreCopy(BlobImport import, long lagCapBytes)
    {
        _import = import;
        _lagCap = lagCapBytes;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>True when the disk fell too far behind and the copy stopped taking chunks.</summary>
    public bool Dropped { get; private set; }

    /// <summary>Queues the chunk for the disk unless it is already there, the copy was dropped or failed.</summary>
    public void Offer(Chunk chunk)
    {
        if (_closed || chunk.Offset + chunk.Length <= _import.Written) return;
        if (Interlocked.Read(ref _queuedBytes) + chunk.Length > _lagCap)
        {
            Dropped = true;
            Close();
            return;
        }
        Interlocked.Add(ref _queuedBytes, chunk.Length);
        if (!_queue.Writer.TryWrite(chunk.Retain())) chunk.Release();
    }

    /// <summary>
    /// Waits until the disk has everything queued; the import (complete or a prefix to resume) or null when writing
    /// failed (the import is then discarded and <paramref name="failure"/> says why).
    /// </summary>
    public async Task<(BlobImport? Import, StoreException? Failure)> FinishAsync()
    {
        Close();
        await _writer.ConfigureAwait(false);
        return _failure is null ? (_import, null) : (null, _failure);
    }

    /// <summary>Stops and discards everything: nothing of this copy becomes visible.</summary>
    public async Task AbandonAsync()
    {
        Close();
        await _writer.ConfigureAwait(false);
        _import.Abort();
    }

    private void Close()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    private async Task WriteAsync()
    {
        await foreach (var chunk in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (_failure is null) PeerBlobCopy.WriteNew(_import, chunk);
            }
            catch (StoreException e)
            {
                _failure = e; // the import aborted itself
                Close();
            }
            catch (IOException e)
            {
                _failure = new StoreException(StoreError.IoFailure, e.Message, e);
                _import.Abort();
                Close();
            }
            finally
            {
                Interlocked.Add(ref _queuedBytes, -chunk.Length);
                chunk.Release();
            }
        }
    }
}
