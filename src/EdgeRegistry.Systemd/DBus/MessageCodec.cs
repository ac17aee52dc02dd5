using System.Buffers.Binary;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Whole messages to and from bytes. The fixed 16-byte prefix tells the total length, which is checked against
/// the caller's limit before the rest is read; <see cref="Decode"/> then checks every header field's type, the
/// fields each message type requires, and that the body matches its signature exactly.
/// </summary>
internal static class MessageCodec
{
    public const int FixedHeaderLength = 16;
    private const byte LittleEndianMark = (byte)'l';
    private const byte BigEndianMark = (byte)'B';
    private const byte ProtocolVersion = 1;

    /// <summary>The length of the whole message that starts with <paramref name="fixedHeader"/>; throws when it is malformed or over <paramref name="maxMessageBytes"/>.</summary>
    public static int GetMessageLength(ReadOnlySpan<byte> fixedHeader, int maxMessageBytes)
    {
        if (fixedHeader.Length < FixedHeaderLength) DBusProtocolException.ThrowTruncated("fixed header", 0, FixedHeaderLength, fixedHeader.Length);
        bool bigEndian = fixedHeader[0] switch
        {
            LittleEndianMark => false,
            BigEndianMark => true,
            _ => throw new DBusProtocolException($"message starts with byte 0x{fixedHeader[0]:x2}, not an endianness mark ('l' or 'B')"),
        };
        if (fixedHeader[3] != ProtocolVersion) DBusProtocolException.Throw($"message has protocol version {fixedHeader[3]}, only {ProtocolVersion} is known");
        uint bodyLength = ReadUInt32(fixedHeader[4..], bigEndian);
        uint fieldsLength = ReadUInt32(fixedHeader[12..], bigEndian);
        long headerLength = FixedHeaderLength + (long)fieldsLength;
        long total = ((headerLength + 7) & ~7L) + bodyLength;
        int limit = Math.Min(maxMessageBytes, MessageLimits.SpecMaxMessageBytes);
        if (total > limit) DBusProtocolException.Throw($"message of {total} bytes (header fields {fieldsLength}, body {bodyLength}) exceeds the {limit}-byte limit");
        return (int)total;
    }

    public static DBusMessage Decode(ReadOnlyMemory<byte> message)
    {
        int total = GetMessageLength(message.Span, int.MaxValue);
        if (total != message.Length) DBusProtocolException.Throw($"message is {message.Length} bytes but its header describes {total}");
        bool bigEndian = message.Span[0] == BigEndianMark;
        var reader = new MessageReader(message, bigEndian);
        reader.ReadByte();
        byte type = reader.ReadByte();
        var flags = (DBusMessageFlags)reader.ReadByte();
        reader.ReadByte();
        uint bodyLength = reader.ReadUInt32();
        uint serial = reader.ReadUInt32();
        if (serial == 0) DBusProtocolException.Throw("message has serial 0");

        HeaderFields fields = HeaderFields.Read(reader);
        reader.Align(8);
        int bodyStart = reader.Position;
        if (message.Length - bodyStart != bodyLength) DBusProtocolException.Throw($"body is {message.Length - bodyStart} bytes, the header says {bodyLength}");
        ReadOnlyMemory<byte> body = message[bodyStart..];
        string signature = fields.Signature ?? "";
        if (signature.Length == 0 && bodyLength > 0) DBusProtocolException.Throw($"message has a {bodyLength}-byte body but no signature");
        CheckBodyMatchesSignature(body, bigEndian, signature);

        var decoded = new DBusMessage
        {
            Type = Enum.IsDefined((DBusMessageType)type) ? (DBusMessageType)type : DBusMessageType.Invalid,
            Flags = flags,
            Serial = serial,
            Path = fields.Path,
            Interface = fields.Interface,
            Member = fields.Member,
            ErrorName = fields.ErrorName,
            ReplySerial = fields.ReplySerial,
            Destination = fields.Destination,
            Sender = fields.Sender,
            Signature = signature,
            Body = body,
            IsBigEndian = bigEndian,
        };
        CheckRequiredFields(decoded);
        return decoded;
    }

    public static byte[] Encode(DBusMessage message)
    {
        if (message.Serial == 0) DBusProtocolException.Throw("outgoing message needs a non-zero serial");
        CheckRequiredFields(message);
        var writer = new MessageWriter();
        writer.WriteByte(LittleEndianMark);
        writer.WriteByte((byte)message.Type);
        writer.WriteByte((byte)message.Flags);
        writer.WriteByte(ProtocolVersion);
        writer.WriteUInt32((uint)message.Body.Length);
        writer.WriteUInt32(message.Serial);
        HeaderFields.Write(writer, message);
        writer.Align(8);
        writer.WriteBytes(message.Body.Span);
        return writer.ToArray();
    }

    private static void CheckBodyMatchesSignature(ReadOnlyMemory<byte> body, bool bigEndian, string signature)
    {
        var reader = new MessageReader(body, bigEndian);
        reader.ReadValues(signature);
        if (!reader.IsAtEnd) DBusProtocolException.Throw($"body has {body.Length - reader.Position} bytes beyond what signature '{signature}' describes");
    }

    private static void CheckRequiredFields(DBusMessage message)
    {
        string? missing = message.Type switch
        {
            DBusMessageType.MethodCall when message.Path is null => "PATH",
            DBusMessageType.MethodCall when message.Member is null => "MEMBER",
            DBusMessageType.MethodReturn when message.ReplySerial is null => "REPLY_SERIAL",
            DBusMessageType.Error when message.ErrorName is null => "ERROR_NAME",
            DBusMessageType.Error when message.ReplySerial is null => "REPLY_SERIAL",
            DBusMessageType.Signal when message.Path is null => "PATH",
            DBusMessageType.Signal when message.Interface is null => "INTERFACE",
            DBusMessageType.Signal when message.Member is null => "MEMBER",
            _ => null,
        };
        if (missing is not null) DBusProtocolException.Throw($"{message.Type} message lacks the required {missing} header field");
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
