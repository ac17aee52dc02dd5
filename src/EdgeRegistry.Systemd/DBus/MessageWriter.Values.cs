namespace EdgeRegistry.Systemd.DBus;

/// <summary>Signature-driven marshalling of the value shapes described on <see cref="DBusVariant"/>.</summary>
internal sealed partial class MessageWriter
{
    /// <summary>Writes one value per complete type of <paramref name="signature"/>.</summary>
    public void WriteValues(string signature, IReadOnlyList<object> values)
    {
        List<string> types = DBusSignature.SplitCompleteTypes(signature);
        if (types.Count != values.Count)
        {
            DBusProtocolException.Throw($"signature '{signature}' has {types.Count} types but {values.Count} values were given");
        }
        for (int i = 0; i < types.Count; i++) WriteValue(types[i], values[i]);
    }

    /// <summary>Writes <paramref name="value"/> as the single complete type <paramref name="type"/>.</summary>
    public void WriteValue(string type, object value)
    {
        switch (type[0])
        {
            case 'y': WriteByte(As<byte>(type, value)); break;
            case 'b': WriteBoolean(As<bool>(type, value)); break;
            case 'n': WriteInt16(As<short>(type, value)); break;
            case 'q': WriteUInt16(As<ushort>(type, value)); break;
            case 'i': WriteInt32(As<int>(type, value)); break;
            case 'u': WriteUInt32(As<uint>(type, value)); break;
            case 'x': WriteInt64(As<long>(type, value)); break;
            case 't': WriteUInt64(As<ulong>(type, value)); break;
            case 'd': WriteDouble(As<double>(type, value)); break;
            case 's': WriteString(As<string>(type, value)); break;
            case 'o': WriteObjectPath(As<string>(type, value)); break;
            case 'g': WriteSignature(As<string>(type, value)); break;
            case 'v': WriteVariant(As<DBusVariant>(type, value)); break;
            case 'a': WriteArray(type, value); break;
            case '(': WriteStruct(type, value); break;
            default: DBusProtocolException.Throw($"cannot write a value of type '{type}'"); break;
        }
    }

    private void WriteArray(string type, object value)
    {
        string elementType = type[1..];
        ArrayStart start = BeginArray(elementType[0]);
        if (elementType[0] == '{')
        {
            string keyType = elementType[1..2];
            string valueType = elementType[2..^1];
            foreach (KeyValuePair<object, object> entry in As<IEnumerable<KeyValuePair<object, object>>>(type, value))
            {
                BeginStruct();
                WriteValue(keyType, entry.Key);
                WriteValue(valueType, entry.Value);
            }
        }
        else
        {
            foreach (object element in As<IEnumerable<object>>(type, value)) WriteValue(elementType, element);
        }
        EndArray(start);
    }

    private void WriteStruct(string type, object value)
    {
        List<string> fieldTypes = DBusSignature.SplitCompleteTypes(type[1..^1]);
        IReadOnlyList<object> fields = As<IReadOnlyList<object>>(type, value);
        if (fields.Count != fieldTypes.Count)
        {
            DBusProtocolException.Throw($"struct '{type}' has {fieldTypes.Count} fields but {fields.Count} values were given");
        }
        BeginStruct();
        for (int i = 0; i < fieldTypes.Count; i++) WriteValue(fieldTypes[i], fields[i]);
    }

    private static T As<T>(string type, object value) => value is T typed
        ? typed
        : throw new DBusProtocolException($"a value of type '{type}' needs a {typeof(T).Name}, got {value?.GetType().Name ?? "null"}");
}
