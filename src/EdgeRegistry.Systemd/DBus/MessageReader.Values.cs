namespace EdgeRegistry.Systemd.DBus;

public sealed partial class MessageReader
{
    /// <summary>Reads one value per complete type of <paramref name="signature"/>, shaped as <see cref="DBusVariant"/> describes.</summary>
    public object[] ReadValues(string signature)
    {
        List<string> types = DBusSignature.SplitCompleteTypes(signature);
        var values = new object[types.Count];
        for (int i = 0; i < types.Count; i++) values[i] = ReadValue(types[i], 0);
        return values;
    }

    /// <summary>Reads one value of the single complete type <paramref name="type"/>.</summary>
    public object ReadValue(string type)
    {
        DBusSignature.ValidateSingle(type);
        return ReadValue(type, 0);
    }

    private object ReadValue(string type, int depth)
    {
        if (depth > MessageLimits.MaxNestingDepth) DBusProtocolException.Throw($"values nest deeper than {MessageLimits.MaxNestingDepth} at offset {Position}");
        return type[0] switch
        {
            'y' => ReadByte(),
            'b' => ReadBoolean(),
            'n' => ReadInt16(),
            'q' => ReadUInt16(),
            'i' => ReadInt32(),
            'u' => ReadUInt32(),
            'x' => ReadInt64(),
            't' => ReadUInt64(),
            'd' => ReadDouble(),
            's' => ReadString(),
            'o' => ReadObjectPath(),
            'g' => ReadSignature(),
            'v' => ReadVariant(depth),
            'a' when type.Length > 1 && type[1] == '{' => ReadDictionary(type, depth),
            'a' => ReadArray(type, depth),
            '(' => ReadStruct(type, depth),
            _ => throw new DBusProtocolException($"cannot read a value of type '{type}'"),
        };
    }

    private object[] ReadArray(string type, int depth)
    {
        string elementType = type[1..];
        var elements = new List<object>();
        int end = ReadArrayStart(elementType[0]);
        while (HasNext(end)) elements.Add(ReadValue(elementType, depth + 1));
        return [.. elements];
    }

    private KeyValuePair<object, object>[] ReadDictionary(string type, int depth)
    {
        string keyType = type[2..3];
        string valueType = type[3..^1];
        var entries = new List<KeyValuePair<object, object>>();
        int end = ReadArrayStart('{');
        while (HasNext(end))
        {
            AlignStruct();
            object key = ReadValue(keyType, depth + 1);
            entries.Add(new(key, ReadValue(valueType, depth + 1)));
        }
        return [.. entries];
    }

    private object[] ReadStruct(string type, int depth)
    {
        List<string> fieldTypes = DBusSignature.SplitCompleteTypes(type[1..^1]);
        AlignStruct();
        var fields = new object[fieldTypes.Count];
        for (int i = 0; i < fields.Length; i++) fields[i] = ReadValue(fieldTypes[i], depth + 1);
        return fields;
    }
}
