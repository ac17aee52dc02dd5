using System.Diagnostics.CodeAnalysis;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Bytes from the wire (or values handed to the writer) that break the D-Bus marshalling rules. Raised before any
/// out-of-range access: every length and offset is checked against what is actually there.
/// </summary>
public sealed class DBusProtocolException(string message) : Exception(message)
{
    [DoesNotReturn]
    internal static void Throw(string message) => throw new DBusProtocolException(message);

    [DoesNotReturn]
    internal static void ThrowTruncated(string what, int offset, int needed, int available) =>
        throw new DBusProtocolException($"truncated D-Bus data: {what} at offset {offset} needs {needed} bytes, {available} remain");
}
