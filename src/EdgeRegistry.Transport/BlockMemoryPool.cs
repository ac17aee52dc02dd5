using System.Buffers;
using System.Collections.Concurrent;

namespace EdgeRegistry.Transport;

/// <summary>
/// Fixed-size pinned blocks for the connections' pipes. Kestrel's own pool hands out 4 KiB blocks, so a socket
/// receive never takes more than 4 KiB (a 256 MiB upload was 65,536 receive calls); these blocks let one receive
/// take up to <see cref="BlockSize"/>. Pinned, because every block is handed to the socket for I/O. Requests above
/// the block size never reach the pool: pipes rent those from the shared array pool themselves.
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Blocks kept for reuse; more than this are left to the GC, so a burst does not pin memory for ever.</summary>
    private readonly int _retain;
    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public BlockMemoryPool(int retain) => _retain = retain;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize) throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"at most {BlockSize}");
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            return block;
        }
        return new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) > _retain)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        _free.Enqueue(block);
    }

    private sealed class Block(BlockMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
