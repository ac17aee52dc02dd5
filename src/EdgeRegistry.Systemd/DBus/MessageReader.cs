using System.Buffers.Binary;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Reads D-Bus marshalled data from a buffer of either byte order. Every read checks alignment padding (must be
/// zero) and that the bytes it needs are there before touching them; a violation is a
/// <see cref="DBusProtocolException"/>, never an out-of-range access. Alignment is measured from the start of the
/// buffer, which is a message or a body (bodies start 8-aligned within their message).
/// </summary>
public sealed partial class MessageReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly bool _bigEndian;

    internal MessageReader(ReadOnlyMemory<byte> data, bool bigEndian)
    {
        _data = data;
        _bigEndian = bigEndian;
    }

    public int Position { get; private set; }

    public bool IsAtEnd => Position == _data.Length;

    internal int Length => _data.Length;

    public void Align(int alignment)
    {
        int padding = (alignment - (Position % alignment)) % alignment;
        ReadOnlySpan<byte> pad = Take(padding, "alignment padding");
        if (pad.ContainsAnyExcept((byte)0)) DBusProtocolException.Throw($"non-zero alignment padding at offset {Position - padding}");
    }

    public byte ReadByte() => Take(1, "byte")[0];

    public bool ReadBoolean()
    {
        uint value = ReadUInt32();
        if (value > 1) DBusProtocolException.Throw($"boolean at offset {Position - 4} is {value}, only 0 and 1 are allowed");
        return value == 1;
    }

    public short ReadInt16() => (short)ReadUInt16();

    public ushort ReadUInt16()
    {
        Align(2);
        ReadOnlySpan<byte> b = Take(2, "int16");
        return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public int ReadInt32() => (int)ReadUInt32();

    public uint ReadUInt32()
    {
        Align(4);
        ReadOnlySpan<byte> b = Take(4, "int32");
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public long ReadInt64() => (long)ReadUInt64();

    public ulong ReadUInt64()
    {
        Align(8);
        ReadOnlySpan<byte> b = Take(8, "int64");
        return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Consumes <paramref name="count"/> bytes after checking they are present.</summary>
    private ReadOnlySpan<byte> Take(int count, string what)
    {
        int available = _data.Length - Position;
        if (count < 0 || count > available) DBusProtocolException.ThrowTruncated(what, Position, count, available);
        ReadOnlySpan<byte> span = _data.Span.Slice(Position, count);
        Position += count;
        return span;
    }
}
