using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Server addresses as the specification writes them: <c>transport:key=value,key=value</c> entries separated by
/// ';', values percent-escaped. Only unix sockets we can connect to directly are used: <c>unix:path=</c> and
/// <c>unix:abstract=</c>; other entries (tcp, unixexec, listen-only forms) are skipped.
/// </summary>
public static class DBusAddress
{
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";

    /// <summary>The system bus: <c>DBUS_SYSTEM_BUS_ADDRESS</c>, or the well-known socket.</summary>
    public static string System => NonEmpty(Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS")) ?? DefaultSystemBus;

    /// <summary>The session bus from <c>DBUS_SESSION_BUS_ADDRESS</c>, or null when there is none.</summary>
    public static string? Session => NonEmpty(Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));

    /// <summary>The endpoints of <paramref name="address"/> in order; throws <see cref="FormatException"/> naming the problem when none is usable.</summary>
    public static IReadOnlyList<DBusEndpoint> Parse(string address)
    {
        var endpoints = new List<DBusEndpoint>();
        var skipped = new List<string>();
        foreach (string entry in address.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            DBusEndpoint? endpoint = ParseEntry(entry, out string? whySkipped);
            if (endpoint is not null) endpoints.Add(endpoint);
            else skipped.Add(whySkipped!);
        }
        if (endpoints.Count == 0)
        {
            string detail = skipped.Count == 0 ? "it is empty" : string.Join("; ", skipped);
            throw new FormatException($"D-Bus address '{address}' has no usable unix socket: {detail}");
        }
        return endpoints;
    }

    private static DBusEndpoint? ParseEntry(string entry, out string? whySkipped)
    {
        whySkipped = null;
        int colon = entry.IndexOf(':');
        if (colon <= 0)
        {
            whySkipped = $"'{entry}' has no transport name";
            return null;
        }
        string transport = entry[..colon];
        if (transport != "unix")
        {
            whySkipped = $"transport '{transport}' is not supported";
            return null;
        }
        string? path = null;
        string? abstractName = null;
        foreach (string pair in entry[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                whySkipped = $"'{pair}' in '{entry}' is not key=value";
                return null;
            }
            string key = pair[..equals];
            string? value = Unescape(pair[(equals + 1)..]);
            if (value is null)
            {
                whySkipped = $"'{pair}' in '{entry}' has a malformed %-escape";
                return null;
            }
            if (key == "path") path = value;
            else if (key == "abstract") abstractName = value;
        }
        if (path is not null && abstractName is null && path.Length > 0)
        {
            return new DBusEndpoint("unix:path=" + path, new UnixDomainSocketEndPoint(path));
        }
        if (abstractName is not null && path is null && abstractName.Length > 0)
        {
            // .NET, like the kernel, marks an abstract name with a leading NUL.
            return new DBusEndpoint("unix:abstract=" + abstractName, new UnixDomainSocketEndPoint("\0" + abstractName));
        }
        whySkipped = $"'{entry}' needs exactly one of path= or abstract=";
        return null;
    }

    private static string? Unescape(string value)
    {
        if (!value.Contains('%')) return value;
        var bytes = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
                continue;
            }
            if (i + 2 >= value.Length
                || !byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte escaped))
            {
                return null;
            }
            bytes.Add(escaped);
            i += 2;
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
