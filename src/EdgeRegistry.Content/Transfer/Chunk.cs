using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// One block of a blob read from a peer, in a pooled buffer shared by the consumers that need it (the client
/// response and the store copy). Each holder releases it once; the buffer returns to the pool with the last.
/// The buffer is page-aligned (<see cref="AlignedBufferPool"/>), so the import writes it to the disk with O_DIRECT
/// from where the socket put it: received once, copied never.
/// </summary>
public sealed class Chunk
{
    private readonly Memory<byte> _buffer;
    private int _holders = 1;

    private Chunk(Memory<byte> buffer, long offset)
    {
        _buffer = buffer;
        Offset = offset;
    }

    /// <summary>Where the chunk starts in the blob.</summary>
    public long Offset { get; }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer[..Length];

    public ReadOnlySpan<byte> Span => _buffer.Span[..Length];

    /// <summary>A chunk of <see cref="AlignedBufferPool.BufferBytes"/> capacity starting at blob offset <paramref name="offset"/>.</summary>
    public static Chunk Rent(long offset) => new(AlignedBufferPool.Shared.Rent(), offset);

    public static int Capacity => AlignedBufferPool.BufferBytes;

    /// <summary>Where the producer reads into; <see cref="Filled"/> then says how much it got.</summary>
    public Memory<byte> Free => _buffer[Length..];

    public void Filled(int count) => Length += count;

    /// <summary>One more holder (e.g. the store copy's queue).</summary>
    public Chunk Retain()
    {
        Interlocked.Increment(ref _holders);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0) AlignedBufferPool.Shared.Return(_buffer);
    }
}
