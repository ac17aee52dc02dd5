using System.Buffers;
using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// A block of native memory aligned to a page, as O_DIRECT requires of the buffers it writes from, exposed as
/// <see cref="Memory{T}"/> so the request body can be copied and hashed in place. Native (not the GC heap):
/// its address never moves while the kernel reads from it, and it is returned to the OS on dispose.
/// </summary>
internal sealed unsafe class AlignedChunk : MemoryManager<byte>
{
    public const int Alignment = 4096;

    private readonly int _length;
    private void* _pointer;

    public AlignedChunk(int length)
    {
        _length = length;
        _pointer = NativeMemory.AlignedAlloc((nuint)length, Alignment);
    }

    public byte* Pointer => _pointer != null ? (byte*)_pointer : throw new ObjectDisposedException(nameof(AlignedChunk));

    public override Span<byte> GetSpan() => new(Pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(Pointer + elementIndex);

    public override void Unpin()
    {
        // Native memory never moves: nothing to unpin.
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
