namespace EdgeRegistry.Functional.Tests.Streaming;

/// <summary>
/// A read-only stream of <see cref="Length"/> seeded pseudo-random bytes, produced on the fly so a large
/// upload never sits in the test process's memory. Same seed, same bytes.
/// </summary>
internal sealed class PseudoRandomStream(int seed, long length) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var take = (int)Math.Min(buffer.Length, length - _position);
        _random.NextBytes(buffer[..take]);
        _position += take;
        return take;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
