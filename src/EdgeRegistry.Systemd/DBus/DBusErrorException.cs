namespace EdgeRegistry.Systemd.DBus;

/// <summary>An ERROR reply from the peer: its error name (e.g. <c>org.freedesktop.systemd1.NoSuchUnit</c>) and message.</summary>
public sealed class DBusErrorException(string errorName, string errorMessage)
    : Exception(string.IsNullOrEmpty(errorMessage) ? errorName : $"{errorName}: {errorMessage}")
{
    public string ErrorName { get; } = errorName;

    public string ErrorMessage { get; } = errorMessage;
}
