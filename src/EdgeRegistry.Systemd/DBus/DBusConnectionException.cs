namespace EdgeRegistry.Systemd.DBus;

/// <summary>The bus could not be reached, refused authentication, or the connection broke.</summary>
public sealed class DBusConnectionException : Exception
{
    public DBusConnectionException(string message) : base(message) { }

    public DBusConnectionException(string message, Exception inner) : base(message, inner) { }
}
