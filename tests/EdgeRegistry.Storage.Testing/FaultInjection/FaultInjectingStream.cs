using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// A file stream that consults a <see cref="FaultPlan"/> before every read, write and flush. A write that
/// runs out of byte budget writes the admitted prefix first, so the file holds exactly what a disk that
/// filled up mid-write would hold. <see cref="Inner"/> is the real FileStream, which
/// <see cref="FaultInjectingFileSync"/> unwraps to fsync for real.
/// </summary>
public sealed class FaultInjectingStream : FileSystemStream
{
    private readonly FaultPlan _plan;

    public FaultInjectingStream(FileSystemStream inner, string path, FaultPlan plan) : base(inner, path, inner.IsAsync)
    {
        Inner = inner;
        Path = path;
        _plan = plan;
    }

    public FileSystemStream Inner { get; }

    public string Path { get; }

    public override bool CanRead => Inner.CanRead;
    public override bool CanSeek => Inner.CanSeek;
    public override bool CanWrite => Inner.CanWrite;
    public override long Length => Inner.Length;

    public override long Position
    {
        get => Inner.Position;
        set => Inner.Position = value;
    }

    public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);

    public override void SetLength(long value) => Inner.SetLength(value);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _plan.Check(FaultOperation.Read, Path);
        return Inner.Read(buffer);
    }

    public override int ReadByte()
    {
        _plan.Check(FaultOperation.Read, Path);
        return Inner.ReadByte();
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _plan.Check(FaultOperation.Read, Path);
        return Inner.ReadAsync(buffer, cancellationToken);
    }

    // FileSystemStream sends these straight to the stream it wraps: route them through the faulted Read/Write.

    public override void CopyTo(Stream destination, int bufferSize)
    {
        byte[] buffer = new byte[bufferSize];
        int read;
        while ((read = Read(buffer)) > 0) destination.Write(buffer, 0, read);
    }

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[bufferSize];
        int read;
        while ((read = await ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
    }

    public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override int EndRead(IAsyncResult asyncResult) => TaskToAsyncResult.End<int>(asyncResult);

    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int admitted = _plan.AdmitWrite(Path, buffer.Length, out var error);
        if (admitted > 0) Inner.Write(buffer[..admitted]);
        if (error is not null) throw error;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int admitted = _plan.AdmitWrite(Path, buffer.Length, out var error);
        if (admitted > 0) await Inner.WriteAsync(buffer[..admitted], cancellationToken).ConfigureAwait(false);
        if (error is not null) throw error;
    }

    public override void Flush()
    {
        _plan.Check(FaultOperation.Flush, Path);
        Inner.Flush();
    }

    /// <summary>Flush(true) is an fsync: it answers to the plan's fsync faults and makes the bytes survive a power cut.</summary>
    public override void Flush(bool flushToDisk)
    {
        if (!flushToDisk)
        {
            Flush();
            return;
        }
        _plan.Check(FaultOperation.Fsync, Path);
        Inner.Flush(flushToDisk: true);
        _plan.PowerCut.FileSynced(Path);
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        _plan.Check(FaultOperation.Flush, Path);
        return Inner.FlushAsync(cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
