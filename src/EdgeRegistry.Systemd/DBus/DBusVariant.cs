namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// A variant: one complete type and its value in the shape <see cref="MessageReader.ReadValue"/> produces —
/// byte, bool, short, ushort, int, uint, long, ulong, double, string (s, o and g), <see cref="DBusVariant"/>,
/// <c>object[]</c> for arrays and structs, <c>KeyValuePair&lt;object, object&gt;[]</c> for dictionaries.
/// </summary>
public sealed record DBusVariant(string Signature, object Value)
{
    public string AsString() => Value as string ?? throw Mismatch("a string");

    public uint AsUInt32() => Value is uint v ? v : throw Mismatch("a uint32");

    public ulong AsUInt64() => Value is ulong v ? v : throw Mismatch("a uint64");

    public int AsInt32() => Value is int v ? v : throw Mismatch("an int32");

    public bool AsBoolean() => Value is bool v ? v : throw Mismatch("a boolean");

    public override string ToString() => $"<{Signature}> {Value}";

    private DBusProtocolException Mismatch(string expected) =>
        new($"expected a variant holding {expected}, got signature '{Signature}'");
}
