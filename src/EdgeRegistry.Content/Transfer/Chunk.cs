using System.Buffers;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// One block of a blob read from a peer, in a pooled buffer shared by the consumers that need it (the client
/// response and the store copy). Each holder releases it once; the buffer returns to the pool with the last.
/// </summary>
public sealed class Chunk
{
    private readonly byte[] _buffer;
    private int _holders = 1;

    private Chunk(byte[] buffer, long offset)
    {
        _buffer = buffer;
        Offset = offset;
    }

    /// <summary>Where the chunk starts in the blob.</summary>
    public long Offset { get; }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public static Chunk Rent(int capacity, long offset) => new(ArrayPool<byte>.Shared.Rent(capacity), offset);

    /// <summary>Where the producer reads into; <see cref="Filled"/> then says how much it got.</summary>
    public Memory<byte> Free => _buffer.AsMemory(Length);

    public void Filled(int count) => Length += count;

    /// <summary>One more holder (e.g. the store copy's queue).</summary>
    public Chunk Retain()
    {
        Interlocked.Increment(ref _holders);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0) ArrayPool<byte>.Shared.Return(_buffer);
    }
}
