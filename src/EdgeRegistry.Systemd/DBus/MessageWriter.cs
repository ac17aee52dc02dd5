using System.Buffers.Binary;
using System.Text;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Little-endian D-Bus marshalling into a growable buffer. Alignment is measured from the start of the buffer, which
/// is right for both a header (starts the message) and a body (starts at an 8-aligned offset of the message).
/// </summary>
internal sealed partial class MessageWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Align(int alignment)
    {
        int padding = (alignment - (Length % alignment)) % alignment;
        Reserve(padding).Clear();
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteBoolean(bool value) => WriteUInt32(value ? 1u : 0u);

    public void WriteInt16(short value) { Align(2); BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value); }

    public void WriteUInt16(ushort value) { Align(2); BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value); }

    public void WriteInt32(int value) { Align(4); BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value); }

    public void WriteUInt32(uint value) { Align(4); BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value); }

    public void WriteInt64(long value) { Align(8); BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value); }

    public void WriteUInt64(ulong value) { Align(8); BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value); }

    public void WriteDouble(double value) { Align(8); BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value); }

    public void WriteString(string value)
    {
        if (value.Contains('\0')) DBusProtocolException.Throw("D-Bus strings cannot contain NUL characters");
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)byteCount);
        Span<byte> target = Reserve(byteCount + 1);
        Encoding.UTF8.GetBytes(value, target);
        target[byteCount] = 0;
    }

    public void WriteObjectPath(string value)
    {
        DBusObjectPath.Validate(value);
        WriteString(value);
    }

    public void WriteSignature(string value)
    {
        DBusSignature.Validate(value);
        WriteByte((byte)value.Length);
        Span<byte> target = Reserve(value.Length + 1);
        Encoding.ASCII.GetBytes(value, target);
        target[value.Length] = 0;
    }

    public void WriteVariant(DBusVariant variant)
    {
        DBusSignature.ValidateSingle(variant.Signature);
        WriteSignature(variant.Signature);
        WriteValue(variant.Signature, variant.Value);
    }

    /// <summary>Starts an array: writes a length placeholder and the padding before the first element
    /// (present even when the array is empty). Pass the result to <see cref="EndArray"/>.</summary>
    public ArrayStart BeginArray(char elementCode)
    {
        Align(4);
        int lengthOffset = Length;
        Reserve(4);
        Align(DBusSignature.Alignment(elementCode));
        return new ArrayStart(lengthOffset, Length);
    }

    /// <summary>Patches the array length: the bytes of the elements, not counting the padding before the first one.</summary>
    public void EndArray(ArrayStart start)
    {
        int length = Length - start.FirstElementOffset;
        if (length > MessageLimits.MaxArrayBytes) DBusProtocolException.Throw($"array of {length} bytes exceeds the {MessageLimits.MaxArrayBytes}-byte limit");
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start.LengthOffset, 4), (uint)length);
    }

    public void BeginStruct() => Align(8);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    private Span<byte> Reserve(int count)
    {
        int needed = Length + count;
        if (needed > _buffer.Length) Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        Span<byte> span = _buffer.AsSpan(Length, count);
        Length = needed;
        return span;
    }

    internal readonly record struct ArrayStart(int LengthOffset, int FirstElementOffset);
}
