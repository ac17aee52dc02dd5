namespace EdgeRegistry.Systemd.DBus;

public sealed partial class MessageReader
{
    /// <summary>
    /// Reads an array's length and the padding before its first element and returns the offset where the array
    /// ends. Loop with <see cref="HasNext"/>: <c>int end = r.ReadArrayStart('s'); while (r.HasNext(end)) …</c>.
    /// </summary>
    public int ReadArrayStart(char elementCode)
    {
        int start = Position;
        uint length = ReadUInt32();
        if (length > MessageLimits.MaxArrayBytes) DBusProtocolException.Throw($"array at offset {start} claims {length} bytes, more than the {MessageLimits.MaxArrayBytes}-byte limit");
        Align(DBusSignature.Alignment(elementCode));
        int available = Length - Position;
        if (length > available) DBusProtocolException.ThrowTruncated("array", start, (int)length, available);
        return Position + (int)length;
    }

    /// <summary>True while elements remain before <paramref name="arrayEnd"/>; throws if an element ran past it.</summary>
    public bool HasNext(int arrayEnd)
    {
        if (Position > arrayEnd) DBusProtocolException.Throw($"array element ends at offset {Position}, past the array's end at {arrayEnd}");
        return Position < arrayEnd;
    }

    public void AlignStruct() => Align(8);

    public DBusVariant ReadVariant() => ReadVariant(0);

    /// <summary>Reads an <c>a{sv}</c> (property maps, for instance); a duplicated key keeps its last value.</summary>
    public Dictionary<string, DBusVariant> ReadStringVariantDictionary()
    {
        var result = new Dictionary<string, DBusVariant>(StringComparer.Ordinal);
        int end = ReadArrayStart('{');
        while (HasNext(end))
        {
            AlignStruct();
            string key = ReadString();
            result[key] = ReadVariant();
        }
        return result;
    }

    private DBusVariant ReadVariant(int depth)
    {
        int start = Position;
        string signature = ReadSignature();
        if (signature.Length == 0 || DBusSignature.SkipCompleteType(signature, 0, 0, 0) != signature.Length)
        {
            DBusProtocolException.Throw($"variant at offset {start} has signature '{signature}', which is not a single complete type");
        }
        return new DBusVariant(signature, ReadValue(signature, depth + 1));
    }
}
