using System.Text;

namespace EdgeRegistry.Systemd.DBus;

public sealed partial class MessageReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string ReadString()
    {
        int start = Position;
        uint length = ReadUInt32();
        return ReadTerminatedText(length, start, "string");
    }

    public string ReadObjectPath()
    {
        int start = Position;
        string path = ReadString();
        if (!DBusObjectPath.IsValid(path)) DBusProtocolException.Throw($"object path at offset {start} is invalid: '{path}'");
        return path;
    }

    public string ReadSignature()
    {
        int start = Position;
        byte length = ReadByte();
        string signature = ReadTerminatedText(length, start, "signature");
        DBusSignature.Validate(signature);
        return signature;
    }

    private string ReadTerminatedText(uint length, int start, string what)
    {
        int available = Length - Position;
        // The length excludes the terminating NUL, which must follow; compare in 64 bits so a huge length cannot wrap.
        if ((long)length + 1 > available) DBusProtocolException.ThrowTruncated(what, start, (int)Math.Min(length + 1L, int.MaxValue), available);
        ReadOnlySpan<byte> bytes = Take((int)length + 1, what);
        if (bytes[^1] != 0) DBusProtocolException.Throw($"{what} at offset {start} is not NUL-terminated");
        ReadOnlySpan<byte> text = bytes[..^1];
        if (text.Contains((byte)0)) DBusProtocolException.Throw($"{what} at offset {start} contains a NUL byte");
        try
        {
            return StrictUtf8.GetString(text);
        }
        catch (DecoderFallbackException)
        {
            throw new DBusProtocolException($"{what} at offset {start} is not valid UTF-8");
        }
    }
}
