namespace EdgeRegistry.Systemd.Units;

/// <summary>The bus names systemd exports (org.freedesktop.systemd1(5)).</summary>
internal static class SystemdNames
{
    public const string Destination = "org.freedesktop.systemd1";
    public const string ManagerPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string UnitInterface = "org.freedesktop.systemd1.Unit";
    public const string ServiceInterface = "org.freedesktop.systemd1.Service";
    public const string NoSuchUnitError = "org.freedesktop.systemd1.NoSuchUnit";

    /// <summary>Errors from the bus itself meaning nobody owns org.freedesktop.systemd1.</summary>
    public static bool MeansNoSystemd(string errorName) =>
        errorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner";
}
