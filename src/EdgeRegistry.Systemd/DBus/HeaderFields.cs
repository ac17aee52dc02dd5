namespace EdgeRegistry.Systemd.DBus;

/// <summary>The header field array, <c>a(yv)</c>: each known field must carry its specified type; unknown fields are skipped, as the specification requires.</summary>
internal sealed class HeaderFields
{
    public string? Path { get; private set; }
    public string? Interface { get; private set; }
    public string? Member { get; private set; }
    public string? ErrorName { get; private set; }
    public uint? ReplySerial { get; private set; }
    public string? Destination { get; private set; }
    public string? Sender { get; private set; }
    public string? Signature { get; private set; }

    public static HeaderFields Read(MessageReader reader)
    {
        var fields = new HeaderFields();
        int end = reader.ReadArrayStart('(');
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            var code = (DBusHeaderField)reader.ReadByte();
            DBusVariant value = reader.ReadVariant();
            fields.Assign(code, value);
        }
        return fields;
    }

    public static void Write(MessageWriter writer, DBusMessage message)
    {
        MessageWriter.ArrayStart start = writer.BeginArray('(');
        WriteField(writer, DBusHeaderField.Path, "o", message.Path);
        WriteField(writer, DBusHeaderField.Interface, "s", message.Interface);
        WriteField(writer, DBusHeaderField.Member, "s", message.Member);
        WriteField(writer, DBusHeaderField.ErrorName, "s", message.ErrorName);
        if (message.ReplySerial is uint replySerial) WriteField(writer, DBusHeaderField.ReplySerial, "u", replySerial);
        WriteField(writer, DBusHeaderField.Destination, "s", message.Destination);
        WriteField(writer, DBusHeaderField.Sender, "s", message.Sender);
        if (message.Signature.Length > 0) WriteField(writer, DBusHeaderField.Signature, "g", message.Signature);
        writer.EndArray(start);
    }

    private static void WriteField(MessageWriter writer, DBusHeaderField code, string signature, object? value)
    {
        if (value is null) return;
        writer.BeginStruct();
        writer.WriteByte((byte)code);
        writer.WriteVariant(new DBusVariant(signature, value));
    }

    private void Assign(DBusHeaderField code, DBusVariant value)
    {
        switch (code)
        {
            case DBusHeaderField.Path: Path = Expect<string>(code, value, "o"); break;
            case DBusHeaderField.Interface: Interface = Expect<string>(code, value, "s"); break;
            case DBusHeaderField.Member: Member = Expect<string>(code, value, "s"); break;
            case DBusHeaderField.ErrorName: ErrorName = Expect<string>(code, value, "s"); break;
            case DBusHeaderField.ReplySerial: ReplySerial = Expect<uint>(code, value, "u"); break;
            case DBusHeaderField.Destination: Destination = Expect<string>(code, value, "s"); break;
            case DBusHeaderField.Sender: Sender = Expect<string>(code, value, "s"); break;
            case DBusHeaderField.Signature: Signature = Expect<string>(code, value, "g"); break;
            case DBusHeaderField.UnixFds: Expect<uint>(code, value, "u"); break;
            default: break;
        }
    }

    private static T Expect<T>(DBusHeaderField code, DBusVariant value, string signature)
    {
        if (value.Signature != signature || value.Value is not T typed)
        {
            throw new DBusProtocolException($"header field {code} has type '{value.Signature}', it must be '{signature}'");
        }
        return typed;
    }
}
