using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

public sealed class MarshallingRoundTripTests
{
    [Fact]
    public void WriteValues_EveryBasicType_ReadsBackEqual()
    {
        object[] values = [(byte)7, true, (short)-2, (ushort)65535, -123456, 4000000000u, long.MinValue, ulong.MaxValue, 3.25, "héllo", "/org/x/y", "a{sv}"];

        object[] read = RoundTrip("ybnqiuxtdsog", values);

        Assert.Equal(values, read);
    }

    [Fact]
    public void WriteUInt64_AfterOneByte_PadsSevenZeroBytes()
    {
        var writer = new MessageWriter();
        writer.WriteValues("yt", [(byte)1, 2ul]);

        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0 }, writer.ToArray());
    }

    [Fact]
    public void WriteArray_EmptyOfUInt64_StillPadsToElementAlignment()
    {
        var writer = new MessageWriter();
        writer.WriteValues("at", [Array.Empty<object>()]);

        // Length 0 at offset 0, then padding to 8 for the (absent) first element; the length excludes that padding.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, writer.ToArray());
        Assert.Equal([Array.Empty<object>()], RoundTrip("at", [Array.Empty<object>()]));
    }

    [Fact]
    public void WriteArray_OfStructsAfterByte_LengthExcludesLeadingPadding()
    {
        var writer = new MessageWriter();
        writer.WriteValues("ya(y)", [(byte)9, new object[] { new object[] { (byte)1 }, new object[] { (byte)2 } }]);

        byte[] bytes = writer.ToArray();
        // byte, 3 pad, length at 4, then 8-aligned elements at 8 and 16: first is 1 byte + 7 pad, second 1 byte.
        Assert.Equal(9u, BitConverter.ToUInt32(bytes, 4));
        Assert.Equal(17, bytes.Length);
        Assert.Equal(1, bytes[8]);
        Assert.Equal(2, bytes[16]);
    }

    [Fact]
    public void WriteValues_NestedContainers_ReadBackEqual()
    {
        object nested = new KeyValuePair<object, object>[]
        {
            new("first", new object[] { 1, new DBusVariant("a{yv}", new KeyValuePair<object, object>[] { new((byte)1, new DBusVariant("d", 0.5)) }) }),
            new("second", new object[] { -1, new DBusVariant("v", new DBusVariant("as", new object[] { "x", "", "z" })) }),
        };

        object[] read = RoundTrip("ya{s(iv)}t", [(byte)3, nested, 42ul]);

        Assert.Equal((byte)3, read[0]);
        var entries = Assert.IsType<KeyValuePair<object, object>[]>(read[1]);
        Assert.Equal("first", entries[0].Key);
        var first = Assert.IsType<object[]>(entries[0].Value);
        Assert.Equal(1, first[0]);
        var innerDict = Assert.IsType<KeyValuePair<object, object>[]>(Assert.IsType<DBusVariant>(first[1]).Value);
        Assert.Equal((byte)1, innerDict[0].Key);
        Assert.Equal(new DBusVariant("d", 0.5), innerDict[0].Value);
        var second = Assert.IsType<object[]>(entries[1].Value);
        var outer = Assert.IsType<DBusVariant>(second[1]);
        var inner = Assert.IsType<DBusVariant>(outer.Value);
        Assert.Equal(new object[] { "x", "", "z" }, inner.Value);
        Assert.Equal(42ul, read[2]);
    }

    [Fact]
    public void ReadValue_UnitListShape_ReadsSystemdTuples()
    {
        object[] unit = ["edgereg.service", "EdgeRegistry", "loaded", "active", "running", "", "/org/freedesktop/systemd1/unit/edgereg_2eservice", 0u, "", "/"];

        object[] read = RoundTrip("a(ssssssouso)", [new object[] { unit, unit }]);

        var rows = Assert.IsType<object[]>(read[0]);
        Assert.Equal(2, rows.Length);
        Assert.Equal(unit, rows[1]);
    }

    [Fact]
    public void ReadStringVariantDictionary_PropertyMap_GivesTypedVariants()
    {
        var writer = new MessageWriter();
        writer.WriteValues("a{sv}", [new KeyValuePair<object, object>[]
        {
            new("ActiveState", new DBusVariant("s", "active")),
            new("MainPID", new DBusVariant("u", 42u)),
            new("ActiveEnterTimestamp", new DBusVariant("t", 1700000000000000ul)),
        }]);

        Dictionary<string, DBusVariant> map = new MessageReader(writer.ToArray(), bigEndian: false).ReadStringVariantDictionary();

        Assert.Equal("active", map["ActiveState"].AsString());
        Assert.Equal(42u, map["MainPID"].AsUInt32());
        Assert.Equal(1700000000000000ul, map["ActiveEnterTimestamp"].AsUInt64());
        Assert.Throws<DBusProtocolException>(() => map["MainPID"].AsString());
    }

    [Fact]
    public void Decode_EncodedCall_KeepsEveryHeaderField()
    {
        var body = new MessageWriter();
        body.WriteValues("su", ["edgereg.service", 5u]);
        var call = new DBusMessage
        {
            Type = DBusMessageType.MethodCall,
            Flags = DBusMessageFlags.NoAutoStart,
            Serial = 77,
            Path = "/org/freedesktop/systemd1",
            Interface = "org.freedesktop.systemd1.Manager",
            Member = "GetUnit",
            Destination = "org.freedesktop.systemd1",
            Sender = ":1.5",
            Signature = "su",
            Body = body.ToArray(),
        };

        byte[] bytes = MessageCodec.Encode(call);
        DBusMessage decoded = MessageCodec.Decode(bytes);

        Assert.Equal(0, (bytes.Length - call.Body.Length) % 8);
        Assert.Equal(call.Type, decoded.Type);
        Assert.Equal(call.Flags, decoded.Flags);
        Assert.Equal(call.Serial, decoded.Serial);
        Assert.Equal(call.Path, decoded.Path);
        Assert.Equal(call.Interface, decoded.Interface);
        Assert.Equal(call.Member, decoded.Member);
        Assert.Equal(call.Destination, decoded.Destination);
        Assert.Equal(call.Sender, decoded.Sender);
        Assert.Equal("su", decoded.Signature);
        Assert.Equal(["edgereg.service", 5u], decoded.GetBodyReader().ReadValues("su"));
    }

    [Fact]
    public void Decode_ErrorReply_KeepsErrorNameReplySerialAndText()
    {
        var body = new MessageWriter();
        body.WriteValues("s", ["Unit nope.service not loaded."]);
        byte[] bytes = MessageCodec.Encode(new DBusMessage
        {
            Type = DBusMessageType.Error,
            Serial = 3,
            ReplySerial = 2,
            ErrorName = "org.freedesktop.systemd1.NoSuchUnit",
            Signature = "s",
            Body = body.ToArray(),
        });

        DBusMessage decoded = MessageCodec.Decode(bytes);

        Assert.Equal(2u, decoded.ReplySerial);
        Assert.Equal("org.freedesktop.systemd1.NoSuchUnit", decoded.ErrorName);
        Assert.Equal("Unit nope.service not loaded.", decoded.ReadErrorText());
    }

    [Fact]
    public void Decode_BigEndianMessage_ReadsValues()
    {
        // A method return from a big-endian peer: 'B', type 2, flags 0, version 1, body 8 bytes, serial 1,
        // fields a(yv) = [(REPLY_SERIAL, <u> 9), (SIGNATURE, <g> "u")] then body u32 0x01020304 and padding-free.
        byte[] message =
        [
            (byte)'B', 2, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 15,
            5, 1, (byte)'u', 0, 0, 0, 0, 9,
            8, 1, (byte)'g', 0, 1, (byte)'u', 0, 0,
            1, 2, 3, 4,
        ];

        DBusMessage decoded = MessageCodec.Decode(message);

        Assert.Equal(9u, decoded.ReplySerial);
        Assert.Equal(0x01020304u, decoded.GetBodyReader().ReadUInt32());
    }

    [Fact]
    public void WriteValues_WrongValueType_NamesTypeAndValue()
    {
        var error = Assert.Throws<DBusProtocolException>(() => new MessageWriter().WriteValues("u", [5]));

        Assert.Contains("'u' needs a UInt32, got Int32", error.Message);
    }

    [Theory]
    [InlineData("o", "relative/path")]
    [InlineData("o", "/trailing/")]
    [InlineData("o", "/double//slash")]
    [InlineData("o", "/bad-char")]
    [InlineData("g", "a{")]
    [InlineData("s", "nul\0inside")]
    public void WriteValues_InvalidStringLike_IsRefused(string type, string value) =>
        Assert.Throws<DBusProtocolException>(() => new MessageWriter().WriteValues(type, [value]));

    private static object[] RoundTrip(string signature, object[] values)
    {
        var writer = new MessageWriter();
        writer.WriteValues(signature, values);
        var reader = new MessageReader(writer.ToArray(), bigEndian: false);
        object[] read = reader.ReadValues(signature);
        Assert.True(reader.IsAtEnd);
        return read;
    }
}
