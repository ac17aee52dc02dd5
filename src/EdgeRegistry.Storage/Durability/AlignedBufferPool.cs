using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Page-aligned buffers for bytes that are received once and then written to a blob file with O_DIRECT straight
/// from where they landed (<see cref="IFileAppender.WriteInPlaceAsync"/>), instead of being copied into the
/// appender's own chunks first — on a peer copy that copy was a tenth of the receiving node's CPU.
/// The buffers are arrays on the pinned object heap: they never move, so an aligned slice stays aligned for the
/// kernel, and they are managed memory, so a buffer something still refers to is never freed under a write (a
/// native block would need its own use-after-free guard). Up to <see cref="Retained"/> returned buffers are kept
/// for reuse; beyond that they are left to the GC, so a burst of copies does not pin memory for good.
/// </summary>
public sealed class AlignedBufferPool
{
    /// <summary>1 MiB: the peer copy's read-ahead chunk and the appender's own chunk size.</summary>
    public const int BufferBytes = 1 << 20;

    /// <summary>
    /// 24 MiB kept: two concurrent peer copies with their read-ahead (8 chunks each) and the writes behind them,
    /// small beside the unit's MemoryHigh.
    /// </summary>
    public const int Retained = 24;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;

    public static AlignedBufferPool Shared { get; } = new();

    /// <summary>A buffer of <see cref="BufferBytes"/> whose first byte is page-aligned; give it back with <see cref="Return"/>.</summary>
    public Memory<byte> Rent()
    {
        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            array = GC.AllocateUninitializedArray<byte>(BufferBytes + AlignedChunk.Alignment, pinned: true);
        }
        return array.AsMemory(AlignedOffset(array), BufferBytes);
    }

    /// <summary>Takes back a buffer from <see cref="Rent"/> (whole, as rented); nothing may read or write it afterwards.</summary>
    public void Return(Memory<byte> buffer)
    {
        if (!MemoryMarshal.TryGetArray<byte>(buffer, out var segment) || segment.Array is not { } array) return;
        if (Interlocked.Increment(ref _freeCount) > Retained)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        _free.Enqueue(array);
    }

    private static unsafe int AlignedOffset(byte[] array)
    {
        // Pinned-heap arrays never move, so the address taken here holds for the array's lifetime.
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((AlignedChunk.Alignment - (address & (AlignedChunk.Alignment - 1))) & (AlignedChunk.Alignment - 1));
    }
}
