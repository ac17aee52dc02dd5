namespace EdgeRegistry.Systemd.DBus;

/// <summary>One message: the header fields that matter to us and the marshalled body, already checked against
/// <see cref="Signature"/> when it came off the wire.</summary>
public sealed class DBusMessage
{
    public required DBusMessageType Type { get; init; }

    public DBusMessageFlags Flags { get; init; }

    public uint Serial { get; init; }

    public string? Path { get; init; }

    public string? Interface { get; init; }

    public string? Member { get; init; }

    public string? ErrorName { get; init; }

    public uint? ReplySerial { get; init; }

    public string? Destination { get; init; }

    public string? Sender { get; init; }

    /// <summary>The body's signature; empty for a message without a body.</summary>
    public string Signature { get; init; } = "";

    public ReadOnlyMemory<byte> Body { get; init; }

    internal bool IsBigEndian { get; init; }

    public MessageReader GetBodyReader() => new(Body, IsBigEndian);

    /// <summary>The human-readable text of an ERROR message: its first argument when that is a string.</summary>
    public string ReadErrorText()
    {
        if (!Signature.StartsWith('s')) return "";
        return GetBodyReader().ReadString();
    }

    /// <summary>Throws unless the body has exactly <paramref name="signature"/>, so a reader never guesses at the layout.</summary>
    public void ExpectSignature(string signature)
    {
        if (Signature != signature) DBusProtocolException.Throw($"{this} has body signature '{Signature}', expected '{signature}'");
    }

    public override string ToString() => Type switch
    {
        DBusMessageType.MethodCall => $"call {Interface}.{Member} on {Path} serial {Serial}",
        DBusMessageType.MethodReturn => $"return for serial {ReplySerial}",
        DBusMessageType.Error => $"error {ErrorName} for serial {ReplySerial}",
        DBusMessageType.Signal => $"signal {Interface}.{Member} from {Path}",
        _ => $"message type {(byte)Type}",
    };
}
