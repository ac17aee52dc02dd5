namespace EdgeRegistry.Systemd.DBus;

/// <summary>Header field codes; each comes with a fixed value type, checked when parsing.</summary>
internal enum DBusHeaderField : byte
{
    Path = 1,
    Interface = 2,
    Member = 3,
    ErrorName = 4,
    ReplySerial = 5,
    Destination = 6,
    Sender = 7,
    Signature = 8,
    UnixFds = 9,
}
