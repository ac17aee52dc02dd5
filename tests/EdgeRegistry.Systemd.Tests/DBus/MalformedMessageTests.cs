using System.Buffers.Binary;
using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>Bytes a broken or hostile peer could send: each must end in a DBusProtocolException naming the problem, never an out-of-range read.</summary>
public sealed class MalformedMessageTests
{
    [Fact]
    public void Decode_EveryTruncation_ThrowsProtocolException()
    {
        byte[] valid = ValidReply();

        for (int length = 0; length < valid.Length; length++)
        {
            Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(valid.AsMemory(0, length)));
        }
    }

    [Fact]
    public void GetMessageLength_BadEndiannessMark_IsNamed()
    {
        byte[] message = ValidReply();
        message[0] = (byte)'x';

        var error = Assert.Throws<DBusProtocolException>(() => MessageCodec.GetMessageLength(message, 1 << 20));

        Assert.Contains("not an endianness mark", error.Message);
    }

    [Fact]
    public void GetMessageLength_UnknownProtocolVersion_IsNamed()
    {
        byte[] message = ValidReply();
        message[3] = 2;

        Assert.Contains("protocol version 2", Assert.Throws<DBusProtocolException>(() => MessageCodec.GetMessageLength(message, 1 << 20)).Message);
    }

    [Theory]
    [InlineData(4, 0xFFFFFFFFu)]
    [InlineData(12, 0xFFFFFFFFu)]
    [InlineData(4, 2u * 1024 * 1024)]
    public void GetMessageLength_LengthOverLimit_IsRefusedBeforeReading(int offset, uint claimed)
    {
        byte[] message = ValidReply();
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(offset), claimed);

        var error = Assert.Throws<DBusProtocolException>(() => MessageCodec.GetMessageLength(message, 1 << 20));

        Assert.Contains("exceeds the 1048576-byte limit", error.Message);
    }

    [Fact]
    public void Decode_BodyLengthDisagreesWithBytes_IsRefused()
    {
        byte[] message = ValidReply();
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(4)) + 8);

        Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(message));
    }

    [Fact]
    public void ReadString_LengthPastEnd_IsTruncation()
    {
        byte[] data = [0xFF, 0xFF, 0xFF, 0xFF, (byte)'a', 0];

        var error = Assert.Throws<DBusProtocolException>(() => Reader(data).ReadString());

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ReadString_MissingTerminator_IsRefused()
    {
        byte[] data = [1, 0, 0, 0, (byte)'a', (byte)'b'];

        Assert.Contains("not NUL-terminated", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadString()).Message);
    }

    [Fact]
    public void ReadString_EmbeddedNul_IsRefused()
    {
        byte[] data = [2, 0, 0, 0, (byte)'a', 0, 0];

        Assert.Contains("contains a NUL", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadString()).Message);
    }

    [Fact]
    public void ReadString_InvalidUtf8_IsRefused()
    {
        byte[] data = [2, 0, 0, 0, 0xC3, 0x28, 0];

        Assert.Contains("not valid UTF-8", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadString()).Message);
    }

    [Fact]
    public void ReadBoolean_ValueTwo_IsRefused()
    {
        Assert.Contains("only 0 and 1", Assert.Throws<DBusProtocolException>(() => Reader([2, 0, 0, 0]).ReadBoolean()).Message);
    }

    [Fact]
    public void ReadUInt32_NonZeroPadding_IsRefused()
    {
        byte[] data = [1, 7, 0, 0, 5, 0, 0, 0];
        MessageReader reader = Reader(data);
        reader.ReadByte();

        Assert.Contains("non-zero alignment padding", Assert.Throws<DBusProtocolException>(() => reader.ReadUInt32()).Message);
    }

    [Fact]
    public void ReadArrayStart_LengthPastEnd_IsTruncation()
    {
        byte[] data = [64, 0, 0, 0, 1, 0, 0, 0];

        Assert.Contains("truncated", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadValue("au")).Message);
    }

    [Fact]
    public void ReadArrayStart_LengthOverSpecLimit_IsRefused()
    {
        byte[] data = [0, 0, 0, 0x10];

        Assert.Contains("more than the", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadValue("ay")).Message);
    }

    [Fact]
    public void ReadValue_ElementOverrunsArrayLength_IsRefused()
    {
        // Array says 2 bytes but its one uint32 element takes 4.
        byte[] data = [2, 0, 0, 0, 1, 0, 0, 0];

        Assert.Contains("past the array's end", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadValue("au")).Message);
    }

    [Fact]
    public void ReadVariant_SignatureOfTwoTypes_IsRefused()
    {
        byte[] data = [2, (byte)'u', (byte)'u', 0];

        Assert.Contains("not a single complete type", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadVariant()).Message);
    }

    [Fact]
    public void ReadVariant_MalformedSignature_IsRefused()
    {
        byte[] data = [2, (byte)'a', (byte)'{', 0];

        Assert.Throws<DBusProtocolException>(() => Reader(data).ReadVariant());
    }

    [Fact]
    public void ReadVariant_NestedBeyondLimit_IsRefusedWithoutStackOverflow()
    {
        // 1000 variants each holding the next: only the depth limit stops the recursion.
        var data = new List<byte>();
        for (int i = 0; i < 1000; i++) data.AddRange([1, (byte)'v', 0]);
        data.AddRange([1, (byte)'y', 0, 5]);

        Assert.Contains("nest deeper than 64", Assert.Throws<DBusProtocolException>(() => Reader([.. data]).ReadVariant()).Message);
    }

    [Fact]
    public void ReadObjectPath_Invalid_IsRefused()
    {
        byte[] data = [3, 0, 0, 0, (byte)'a', (byte)'/', (byte)'b', 0];

        Assert.Contains("object path", Assert.Throws<DBusProtocolException>(() => Reader(data).ReadObjectPath()).Message);
    }

    [Fact]
    public void Decode_BodyNotMatchingSignature_IsRefused()
    {
        // Claims signature "s" but the body is a 4-byte uint whose value (5) reads as a string length past the end.
        byte[] message = Encode(DBusMessageType.MethodReturn, "u", body => body.WriteUInt32(5), replySerial: 1);
        message = PatchSignatureByte(message, 'u', 's');

        Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(message));
    }

    [Fact]
    public void Decode_BodyLongerThanSignature_IsRefused()
    {
        byte[] message = Encode(DBusMessageType.MethodReturn, "u", body => { body.WriteUInt32(5); body.WriteUInt32(6); }, replySerial: 1);

        Assert.Contains("beyond what signature 'u' describes", Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(message)).Message);
    }

    [Fact]
    public void Decode_HeaderFieldOfWrongType_IsRefused()
    {
        // REPLY_SERIAL carried as a string instead of a uint32.
        var writer = new MessageWriter();
        writer.WriteByte((byte)'l');
        writer.WriteByte((byte)DBusMessageType.MethodReturn);
        writer.WriteByte(0);
        writer.WriteByte(1);
        writer.WriteUInt32(0);
        writer.WriteUInt32(1);
        writer.WriteValue("a(yv)", new object[] { new object[] { (byte)5, new DBusVariant("s", "9") } });
        writer.Align(8);

        var error = Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(writer.ToArray()));

        Assert.Contains("header field ReplySerial has type 's', it must be 'u'", error.Message);
    }

    [Fact]
    public void Decode_ReturnWithoutReplySerial_IsRefused()
    {
        var writer = new MessageWriter();
        writer.WriteByte((byte)'l');
        writer.WriteByte((byte)DBusMessageType.MethodReturn);
        writer.WriteByte(0);
        writer.WriteByte(1);
        writer.WriteUInt32(0);
        writer.WriteUInt32(1);
        writer.WriteValue("a(yv)", Array.Empty<object>());
        writer.Align(8);

        Assert.Contains("REPLY_SERIAL", Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(writer.ToArray())).Message);
    }

    [Fact]
    public void Decode_SerialZero_IsRefused()
    {
        byte[] message = ValidReply();
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 0);

        Assert.Contains("serial 0", Assert.Throws<DBusProtocolException>(() => MessageCodec.Decode(message)).Message);
    }

    [Fact]
    public void Decode_RandomCorruption_NeverEscapesAsAnotherException()
    {
        byte[] valid = ValidReply();
        var random = new Random(1234);
        for (int round = 0; round < 5000; round++)
        {
            byte[] corrupt = (byte[])valid.Clone();
            int flips = random.Next(1, 4);
            for (int i = 0; i < flips; i++) corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            try
            {
                MessageCodec.Decode(corrupt);
            }
            catch (DBusProtocolException)
            {
                // Expected for most corruptions; anything else fails the test.
            }
        }
    }

    private static MessageReader Reader(byte[] data) => new(data, bigEndian: false);

    private static byte[] ValidReply() => Encode(DBusMessageType.MethodReturn, "sa{sv}", body => body.WriteValues("sa{sv}",
        ["x", new KeyValuePair<object, object>[] { new("LoadState", new DBusVariant("s", "loaded")), new("N", new DBusVariant("t", 3ul)) }]), replySerial: 4);

    private static byte[] Encode(DBusMessageType type, string signature, Action<MessageWriter> writeBody, uint replySerial)
    {
        var body = new MessageWriter();
        writeBody(body);
        return MessageCodec.Encode(new DBusMessage
        {
            Type = type,
            Serial = 9,
            ReplySerial = replySerial,
            Signature = signature,
            Body = body.ToArray(),
        });
    }

    private static byte[] PatchSignatureByte(byte[] message, char from, char to)
    {
        // The SIGNATURE header field is the last one written: its one-character value sits just before a NUL.
        int headerEnd = 16 + BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(12));
        Assert.Equal((byte)from, message[headerEnd - 2]);
        message[headerEnd - 2] = (byte)to;
        return message;
    }
}
