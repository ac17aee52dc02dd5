using System.Diagnostics;
using System.Threading.Channels;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// The disk side of a read-through: chunks streamed to the client are queued here and written into the import
/// by a task of its own, so the client does not wait on each write. The queue is bounded: when the disk is the cap
/// behind, the client waits for it to make room, but only within a share of its streaming time — a disk that nearly
/// keeps up keeps its copy, since dropping it means transferring and hashing the rest a second time. Past that share
/// the copy stops taking chunks (it is "dropped"): the client goes on at network speed, and the import keeps the
/// prefix already queued, for the flight to resume from there with a Range request.
/// The client side hashes every chunk before offering it, going on from the import's hash of what it already holds
/// (<see cref="BlobImport.TakeHash"/>), so the import is written without hashing
/// (<see cref="BlobImport.WritePrehashed"/>) and adopts that hash at the end: each byte is hashed once.
/// </summary>
public sealed class StoreCopy
{
    public const long DefaultLagCapBytes = 16 << 20;

    /// <summary>The share of its streaming time a client may spend waiting for the disk before the copy is dropped.</summary>
    public const double DefaultClientWaitShare = 0.25;

    /// <summary>Streaming time counted on top of the real one: the first chunks have almost none to take a share of.</summary>
    private static readonly TimeSpan ShareBase = TimeSpan.FromMilliseconds(400);

    private readonly Channel<Chunk> _queue = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    /// <summary>Released by the writer after each chunk: room in the queue for a client waiting on the disk.</summary>
    private readonly SemaphoreSlim _room = new(0);
    private readonly BlobImport? _import;
    private readonly long _lagCap;
    private readonly double _waitShare;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Task _writer;
    private TimeSpan _waited;
    private long _queuedBytes;
    private volatile bool _closed;
    private StoreException? _failure;

    public StoreCopy(BlobImport import, long lagCapBytes, double clientWaitShare)
    {
        _import = import;
        _lagCap = lagCapBytes;
        _waitShare = clientWaitShare;
        _writer = Task.Run(WriteAsync);
    }

    private StoreCopy()
    {
        _lagCap = 0;
        _waitShare = 0;
        _closed = true;
        Dropped = true;
        _queue.Writer.TryComplete();
        _writer = Task.CompletedTask;
    }

    /// <summary>A copy that takes nothing (the disk guard refused it): the client streams at network speed, nothing is written.</summary>
    public static StoreCopy Skipped() => new();

    /// <summary>True when the disk fell too far behind and the copy stopped taking chunks.</summary>
    public bool Dropped { get; private set; }

    /// <summary>
    /// Queues the chunk (hashed by the caller, before or after) for the disk unless the copy was dropped or failed.
    /// With the queue full, waits for room as long as the client's waiting stays within its share; drops the copy
    /// after that. True when the chunk was queued.
    /// </summary>
    public async ValueTask<bool> OfferAsync(Chunk chunk)
    {
        while (!_closed && Interlocked.Read(ref _queuedBytes) + chunk.Length > _lagCap)
        {
            var allowed = (Stopwatch.GetElapsedTime(_started) + ShareBase) * _waitShare - _waited;
            long waitStarted = Stopwatch.GetTimestamp();
            bool room = allowed > TimeSpan.Zero && await _room.WaitAsync(allowed).ConfigureAwait(false);
            _waited += Stopwatch.GetElapsedTime(waitStarted);
            if (!room)
            {
                Dropped = true;
                Close();
            }
        }
        if (_closed) return false;
        Interlocked.Add(ref _queuedBytes, chunk.Length);
        if (_queue.Writer.TryWrite(chunk.Retain())) return true;
        chunk.Release();
        return false;
    }

    /// <summary>
    /// Waits until the disk has everything queued; the import (complete or a prefix to resume) or null when writing
    /// failed (<paramref name="failure"/> says why; the import's owner, the flight, drops it).
    /// </summary>
    public async Task<(BlobImport? Import, StoreException? Failure)> FinishAsync()
    {
        Close();
        await _writer.ConfigureAwait(false);
        return _failure is null ? (_import, null) : (null, _failure);
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
                if (_failure is null) await ImportWriter.WriteNewAsync(_import!, chunk, prehashed: true).ConfigureAwait(false);
            }
            catch (StoreException e)
            {
                _failure = e;
                Close();
            }
            catch (IOException e)
            {
                _failure = new StoreException(StoreError.IoFailure, e.Message, e);
                Close();
            }
            finally
            {
                Interlocked.Add(ref _queuedBytes, -chunk.Length);
                chunk.Release();
                _room.Release();
            }
        }
    }
}
