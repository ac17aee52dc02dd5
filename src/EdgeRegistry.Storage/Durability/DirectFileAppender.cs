using EdgeRegistry.Storage.Digests;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Appends with O_DIRECT from a ring of page-aligned 1 MiB chunks. Direct writes skip the page cache: no kernel
/// copy, no gigabytes of dirty pages for the final fsync to flush, flat memory however big the blob. While one
/// chunk is hashed and another written on the thread pool, the caller fills the next: receive, hash and disk
/// overlap.
/// Page-aligned memory of the caller's own (<see cref="WriteInPlaceAsync"/>) takes a slot of the ring
/// without its chunk: it is written and hashed from where it is.
/// Only whole 4 KiB blocks at 4 KiB offsets go direct; the unaligned head of a resumed upload and the final
/// partial block go through the page cache (the caller's fsync covers both). O_DIRECT is set on the descriptor
/// only when the first whole aligned block is written, so a small blob (most replicated layers, configs) never
/// pays the fcntl round trips: it is one pwrite through the page cache. A file system that refuses O_DIRECT —
/// at that fcntl, or only at the first direct write — gets every byte through the page cache instead.
/// </summary>
internal sealed class DirectFileAppender : IFileAppender
{
    public const int ChunkBytes = 1024 * 1024;
    private const int Ring = 3;
    private const int Block = AlignedChunk.Alignment;

    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly Func<long, int>? _directWriteFault;
    private readonly AlignedChunk?[] _chunks = new AlignedChunk?[Ring];
    /// <summary>Per chunk: its hash and its write, which must both finish before the chunk may be filled again.</summary>
    private readonly Task[] _chunkBusy = [Task.CompletedTask, Task.CompletedTask, Task.CompletedTask];
    /// <summary>The last write handed over; each write waits for the one before, so the file grows in order.</summary>
    private Task _lastWrite = Task.CompletedTask;
    /// <summary>The last hash handed over; hashes form their own ordered chain, running alongside the writes.</summary>
    private Task _lastHash = Task.CompletedTask;
    private int _current;
    /// <summary>Whether O_DIRECT is set on the descriptor now (touched only by the ordered write chain).</summary>
    private bool _directSet;
    /// <summary>False once the file system refused direct I/O: every later write goes through the page cache.</summary>
    private volatile bool _directAllowed = true;

    private DirectFileAppender(SafeFileHandle handle, string path, Func<long, int>? directWriteFault)
    {
        _handle = handle;
        _fd = (int)handle.DangerousGetHandle();
        Path = path;
        Length = LinuxFileIo.LengthOf(_fd, path);
        _directWriteFault = directWriteFault;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for direct appends, or returns null where this platform has no O_DIRECT (the
    /// caller then appends through <see cref="StreamFileAppender"/>). Whether the file system takes the flag is
    /// learnt at the first whole block, not here. <paramref name="directWriteFault"/> is the tests' stand-in for a
    /// file system that accepts the flag and rejects the write: given the offset of a direct write it returns an
    /// errno to fail it with, or 0.
    /// </summary>
    public static DirectFileAppender? TryOpen(string path, Func<long, int>? directWriteFault = null)
    {
        if (LinuxFileIo.ODirect == 0) return null;
        // A raw handle outside IFileSystem on purpose: O_DIRECT is set on the descriptor with fcntl and the writes
        // are pwrite(2) calls from aligned buffers, which no stream abstraction carries. Tests reach this path
        // through the IFileSync seam (a fault-injecting appender in front of it) instead.
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        try
        {
            return new DirectFileAppender(handle, path, directWriteFault);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>Whether writes still go direct (false after a refusal); for tests and diagnostics.</summary>
    public bool IsDirect => _directAllowed;

    public ContentHasher? Hasher { get; set; }

    public Memory<byte> Buffer
    {
        get
        {
            var chunk = _chunks[_current] ??= new AlignedChunk(ChunkBytes);
            // Off a block boundary (a resumed upload), the first piece only fills up to the boundary, so every
            // later chunk starts aligned.
            int misalignment = (int)(Length % Block);
            return chunk.Memory[..(misalignment == 0 ? ChunkBytes : Block - misalignment)];
        }
    }

    public unsafe ValueTask WriteAsync(int count, CancellationToken cancellationToken)
    {
        if (count <= 0) return ValueTask.CompletedTask;
        var chunk = _chunks[_current] ?? throw new InvalidOperationException("WriteAsync before Buffer was filled");
        return QueueAsync((nint)chunk.Pointer, count, done: null, cancellationToken);
    }

    /// <summary>
    /// Writes page-aligned caller memory at a block-aligned offset straight from where it is; anything else (or a
    /// file system that refused O_DIRECT) is copied through <see cref="Buffer"/> as usual.
    /// </summary>
    public unsafe ValueTask WriteInPlaceAsync(ReadOnlyMemory<byte> data, Action release, CancellationToken cancellationToken)
    {
        if (data.IsEmpty || !_directAllowed || Length % Block != 0)
            return AppenderCopy.CopyThenReleaseAsync(this, data, release, cancellationToken);
        var pin = data.Pin();
        if (((nint)pin.Pointer & (Block - 1)) != 0)
        {
            pin.Dispose();
            return AppenderCopy.CopyThenReleaseAsync(this, data, release, cancellationToken);
        }
        return QueueAsync((nint)pin.Pointer, data.Length, () =>
        {
            pin.Dispose();
            release();
        }, cancellationToken);
    }

    /// <summary>
    /// Queues the write (and hash) of <paramref name="count"/> bytes at <paramref name="data"/> into the ring's
    /// current slot, then waits until the next slot is free; <paramref name="done"/> runs once neither reads the
    /// bytes any more.
    /// </summary>
    private async ValueTask QueueAsync(nint data, int count, Action? done, CancellationToken cancellationToken)
    {
        long offset = Length;
        Length += count;
        // Hash (CPU) and write (disk) of a chunk run at the same time, each in file order after its predecessor,
        // while the caller receives into the next chunk: the slowest of the three sets the pace, not their sum.
        var previousWrite = _lastWrite;
        _lastWrite = Task.Run(async () =>
        {
            await previousWrite.ConfigureAwait(false);
            WriteChunk(data, count, offset);
        }, CancellationToken.None);
        if (Hasher is { } hasher)
        {
            var previousHash = _lastHash;
            _lastHash = Task.Run(async () =>
            {
                await previousHash.ConfigureAwait(false);
                Hash(hasher, data, count);
            }, CancellationToken.None);
        }
        var busy = Task.WhenAll(_lastWrite, _lastHash);
        _chunkBusy[_current] = done is null ? busy : RunAfter(busy, done);
        _current = (_current + 1) % Ring;
        // The next chunk is free once its previous hash and write are done; a failed write surfaces here.
        await _chunkBusy[_current].WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_lastWrite.IsFaulted) await _lastWrite.ConfigureAwait(false);
    }

    private static unsafe void Hash(ContentHasher hasher, nint data, int count) =>
        hasher.Append(new ReadOnlySpan<byte>((byte*)data, count));

    /// <summary><paramref name="busy"/>'s outcome, with <paramref name="done"/> run after it whatever that was.</summary>
    private static async Task RunAfter(Task busy, Action done)
    {
        try
        {
            await busy.ConfigureAwait(false);
        }
        finally
        {
            done();
        }
    }

    public async ValueTask CompleteWritesAsync() => await Task.WhenAll(_lastWrite, _lastHash).ConfigureAwait(false);

    public async ValueTask TruncateAsync(long length)
    {
        await WaitForWritesAsync().ConfigureAwait(false);
        RandomAccess.SetLength(_handle, length);
        Length = length;
    }

    private unsafe void WriteChunk(nint from, int count, long offset)
    {
        byte* data = (byte*)from;
        int done = 0;
        if (offset % Block == 0 && _directAllowed)
        {
            done = WriteDirect(data, count & ~(Block - 1), offset);
        }
        if (done < count)
        {
            SetDirect(false);
            LinuxFileIo.WriteAllAt(_fd, data + done, count - done, offset + done, Path);
        }
    }

    /// <summary>Writes whole blocks direct; returns how many bytes went out (fewer when direct I/O was refused).</summary>
    private unsafe int WriteDirect(byte* data, int count, long offset)
    {
        int done = 0;
        while (done < count)
        {
            SetDirect(true);
            if (!_directAllowed) return done;
            int fault = _directWriteFault?.Invoke(offset + done) ?? 0;
            long written = fault != 0 ? -fault : LinuxFileIo.WriteAt(_fd, data + done, count - done, offset + done);
            if (written == -LinuxFileIo.Einval)
            {
                // The file system took the flag but not the write: nothing of this write landed; the page
                // cache path rewrites it and everything after it.
                _directAllowed = false;
                return done;
            }
            if (written < 0) throw LinuxFileIo.Failure((int)-written, "pwrite", Path);
            if (written == 0) throw new IOException($"pwrite({Path}) wrote nothing");
            done += (int)written;
            // A short direct write (a filling disk) may end off a block: the rest goes through the page cache.
            if (done % Block != 0) return done;
        }
        return done;
    }

    private void SetDirect(bool direct)
    {
        if (direct && !_directAllowed) return;
        if (_directSet == direct) return;
        int error = LinuxFileIo.SetDirect(_fd, direct);
        if (error == LinuxFileIo.Einval && direct)
        {
            _directAllowed = false;
            return;
        }
        if (error != 0) throw LinuxFileIo.Failure(error, "fcntl(O_DIRECT)", Path);
        _directSet = direct;
    }

    private async Task WaitForWritesAsync()
    {
        foreach (var busy in _chunkBusy)
        {
            try { await busy.ConfigureAwait(false); }
            catch (Exception) { /* reported by CompleteWritesAsync or WriteAsync; here only the wait matters */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The thread pool may still be hashing or writing from a chunk: free nothing before all of that finished.
        await WaitForWritesAsync().ConfigureAwait(false);
        foreach (var chunk in _chunks) ((IDisposable?)chunk)?.Dispose();
        _handle.Dispose();
    }
}
