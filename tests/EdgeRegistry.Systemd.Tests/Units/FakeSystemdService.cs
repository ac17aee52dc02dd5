using System.Collections.Concurrent;
using System.Text;
using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>
/// Stands in for systemd on a private bus, written with our own client: owns org.freedesktop.systemd1 and answers
/// Manager.GetUnit/LoadUnit and Properties.Get/GetAll for the Unit and Service interfaces the way systemd does —
/// GetUnit knows only loaded units, LoadUnit of a unit without a file yields an object whose LoadState is
/// "not-found", an invalid name is InvalidArgs.
/// </summary>
internal sealed class FakeSystemdService : IAsyncDisposable
{
    private const string Root = "/org/freedesktop/systemd1/unit/";
    private readonly DBusConnection _connection;
    private readonly Dictionary<string, FakeUnit> _units;
    private readonly ConcurrentDictionary<string, FakeUnit> _byPath = new();

    private FakeSystemdService(DBusConnection connection, IEnumerable<FakeUnit> units)
    {
        _connection = connection;
        _units = units.ToDictionary(u => u.Name);
        foreach (FakeUnit unit in _units.Values.Where(u => u.Loaded)) _byPath[PathFor(unit.Name)] = unit;
    }

    /// <summary>The Manager methods called, in order ("GetUnit crio.service").</summary>
    public ConcurrentQueue<string> ManagerCalls { get; } = new();

    public static async Task<FakeSystemdService> StartAsync(string address, IEnumerable<FakeUnit> units)
    {
        DBusConnection connection = await DBusConnection.ConnectAsync(address);
        var service = new FakeSystemdService(connection, units);
        connection.SetMethodHandler(service.Handle);
        // Flag 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE; reply 1 = primary owner.
        DBusMessage reply = await connection.CallAsync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName", "su", ["org.freedesktop.systemd1", 4u]);
        uint result = reply.GetBodyReader().ReadUInt32();
        if (result != 1) throw new InvalidOperationException($"RequestName(org.freedesktop.systemd1) answered {result}, not primary owner");
        return service;
    }

    /// <summary>systemd's object path escaping: every byte outside [A-Za-z0-9] becomes _xx.</summary>
    public static string PathFor(string unitName)
    {
        var path = new StringBuilder(Root);
        foreach (byte b in Encoding.UTF8.GetBytes(unitName))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) path.Append((char)b);
            else path.Append('_').Append(b.ToString("x2"));
        }
        return path.ToString();
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private DBusMethodResult Handle(DBusMessage call) => call.Interface switch
    {
        "org.freedesktop.systemd1.Manager" => HandleManager(call),
        "org.freedesktop.DBus.Properties" => HandleProperties(call),
        _ => DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownInterface", $"Unknown interface {call.Interface}."),
    };

    private DBusMethodResult HandleManager(DBusMessage call)
    {
        call.ExpectSignature("s");
        string name = call.GetBodyReader().ReadString();
        ManagerCalls.Enqueue($"{call.Member} {name}");
        if (!name.Contains('.')) return DBusMethodResult.Error("org.freedesktop.DBus.Error.InvalidArgs", $"Unit name {name} is not valid.");
        switch (call.Member)
        {
            case "GetUnit":
                return _byPath.TryGetValue(PathFor(name), out _)
                    ? DBusMethodResult.Return("o", PathFor(name))
                    : DBusMethodResult.Error("org.freedesktop.systemd1.NoSuchUnit", $"Unit {name} not loaded.");
            case "LoadUnit":
                _byPath[PathFor(name)] = _units.TryGetValue(name, out FakeUnit? known)
                    ? known with { Loaded = true }
                    : new FakeUnit(name, true, "not-found", "inactive", "dead", 0, 0, 0);
                return DBusMethodResult.Return("o", PathFor(name));
            default:
                return DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownMethod", $"Unknown method {call.Member}.");
        }
    }

    private DBusMethodResult HandleProperties(DBusMessage call)
    {
        if (call.Path is null || !_byPath.TryGetValue(call.Path, out FakeUnit? unit))
        {
            return DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownObject", $"Unknown object '{call.Path}'.");
        }
        MessageReader body = call.GetBodyReader();
        string @interface = body.ReadString();
        Dictionary<string, DBusVariant>? properties = PropertiesOf(unit, @interface);
        if (properties is null) return DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownInterface", $"Unknown interface {@interface}.");
        if (call.Member == "GetAll")
        {
            return DBusMethodResult.Return("a{sv}", properties.Select(p => new KeyValuePair<object, object>(p.Key, p.Value)).ToArray());
        }
        string property = body.ReadString();
        return properties.TryGetValue(property, out DBusVariant? value)
            ? DBusMethodResult.Return("v", value)
            : DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownProperty", $"Unknown property {property}.");
    }

    private static Dictionary<string, DBusVariant>? PropertiesOf(FakeUnit unit, string @interface) => @interface switch
    {
        "org.freedesktop.systemd1.Unit" => new()
        {
            ["Id"] = new("s", unit.Name),
            ["Names"] = new("as", new object[] { unit.Name }),
            ["Description"] = new("s", "fake " + unit.Name),
            ["LoadState"] = new("s", unit.LoadState),
            ["ActiveState"] = new("s", unit.ActiveState),
            ["SubState"] = new("s", unit.SubState),
            ["ActiveEnterTimestamp"] = new("t", unit.ActiveEnterUsec),
            ["Conditions"] = new("a(sbbsi)", Array.Empty<object>()),
        },
        "org.freedesktop.systemd1.Service" when unit.Name.EndsWith(".service", StringComparison.Ordinal) => new()
        {
            ["Type"] = new("s", "notify"),
            ["MainPID"] = new("u", unit.MainPid),
            ["NRestarts"] = new("u", unit.Restarts),
        },
        _ => null,
    };
}
