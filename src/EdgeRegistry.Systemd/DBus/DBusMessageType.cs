namespace EdgeRegistry.Systemd.DBus;

/// <summary>The message type byte of the fixed header (D-Bus specification, "Message Format").</summary>
public enum DBusMessageType : byte
{
    Invalid = 0,
    MethodCall = 1,
    MethodReturn = 2,
    Error = 3,
    Signal = 4,
}
