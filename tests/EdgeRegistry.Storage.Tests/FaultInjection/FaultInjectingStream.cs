namespace EdgeRegistry.Storage.Tests.FaultInjection;

/// <summary>
/// A file stream that consults a <see cref="FaultPlan"/> before every read, write and flush. A write that
/// runs out of byte budget writes the admitted prefix first, so the file holds exactly what a disk that
/// filled up mid-write would hold. <see cref="Inner"/> is the real FileStream, which
/// <see cref="FaultInjectingFileSync"/> unwraps to fsync for real.
/// </summary>
internal sealed class FaultInjectingStream : Stream
{
    private readonly FaultPlan _plan;

    public FaultInjectingStream(Stream inner, string path, FaultPlan plan)
    {
        Inner = inner;
        Path = path;
        _plan = plan;
    }

    public Stream Inner { get; }

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
