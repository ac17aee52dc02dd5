using System.Collections.Concurrent;
using System.Text;
using Tmds.DBus.Protocol;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>
/// Stands in for systemd on a private bus, served with Tmds.DBus.Protocol: owns org.freedesktop.systemd1 and answers
/// Manager.GetUnit/LoadUnit and Properties.GetAll for the Unit and Service interfaces the way systemd does —
/// GetUnit knows only loaded units, LoadUnit of a unit without a file yields an object whose LoadState is
/// "not-found", an invalid name is InvalidArgs. A silent one owns the name and never answers at all: a manager that
/// is hung, which no real dbus-daemon imitates on its own.
/// </summary>
internal sealed class FakeSystemdService : IPathMethodHandler, IDisposable
{
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Root = ManagerPath + "/unit/";
    private readonly DBusConnection _connection;
    private readonly Dictionary<string, FakeUnit> _units;
    private readonly ConcurrentDictionary<string, FakeUnit> _byPath = new();
    private readonly bool _silent;
    private readonly ConcurrentQueue<MethodContext> _unanswered = new();

    private FakeSystemdService(DBusConnection connection, IEnumerable<FakeUnit> units, bool silent)
    {
        _connection = connection;
        _silent = silent;
        _units = units.ToDictionary(u => u.Name);
        foreach (FakeUnit unit in _units.Values.Where(u => u.Loaded)) _byPath[PathFor(unit.Name)] = unit;
    }

    /// <summary>The Manager methods called, in order ("GetUnit crio.service").</summary>
    public ConcurrentQueue<string> ManagerCalls { get; } = new();

    public string Path => ManagerPath;

    /// <summary>Unit objects live below the manager's path.</summary>
    public bool HandlesChildPaths => true;

    public static Task<FakeSystemdService> StartAsync(string address, IEnumerable<FakeUnit> units) => StartAsync(address, units, silent: false);

    /// <summary>A systemd that owns its name on the bus and never answers a call.</summary>
    public static Task<FakeSystemdService> StartSilentAsync(string address) => StartAsync(address, [], silent: true);

    private static async Task<FakeSystemdService> StartAsync(string address, IEnumerable<FakeUnit> units, bool silent)
    {
        var connection = new DBusConnection(address);
        await connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var service = new FakeSystemdService(connection, units, silent);
        connection.AddMethodHandler(service);
        await connection.RequestNameAsync("org.freedesktop.systemd1", RequestNameOptions.None).WaitAsync(TimeSpan.FromSeconds(10));
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

    public void Dispose() => _connection.Dispose();

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        if (_silent)
        {
            // Kept undisposed: a disposed context would answer UnknownMethod on our behalf.
            context.DisposesAsynchronously = true;
            _unanswered.Enqueue(context);
            return ValueTask.CompletedTask;
        }
        Message call = context.Request;
        switch (call.InterfaceAsString)
        {
            case "org.freedesktop.systemd1.Manager":
                HandleManager(context, call);
                break;
            case "org.freedesktop.DBus.Properties":
                HandleProperties(context, call);
                break;
            default:
                context.ReplyError("org.freedesktop.DBus.Error.UnknownInterface", $"Unknown interface {call.InterfaceAsString}.");
                break;
        }
        return ValueTask.CompletedTask;
    }

    private void HandleManager(MethodContext context, Message call)
    {
        string name = call.GetBodyReader().ReadString();
        ManagerCalls.Enqueue($"{call.MemberAsString} {name}");
        if (!name.Contains('.'))
        {
            context.ReplyError("org.freedesktop.DBus.Error.InvalidArgs", $"Unit name {name} is not valid.");
            return;
        }
        switch (call.MemberAsString)
        {
            case "GetUnit" when !_byPath.ContainsKey(PathFor(name)):
                context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", $"Unit {name} not loaded.");
                return;
            case "GetUnit":
                break;
            case "LoadUnit":
                _byPath[PathFor(name)] = _units.TryGetValue(name, out FakeUnit? known)
                    ? known with { Loaded = true }
                    : new FakeUnit(name, true, "not-found", "inactive", "dead", 0, 0, 0);
                break;
            default:
                context.ReplyUnknownMethodError();
                return;
        }
        using MessageWriter writer = context.CreateReplyWriter("o");
        writer.WriteObjectPath(PathFor(name));
        context.Reply(writer.CreateMessage());
    }

    private void HandleProperties(MethodContext context, Message call)
    {
        if (call.PathAsString is not { } path || !_byPath.TryGetValue(path, out FakeUnit? unit))
        {
            context.ReplyError("org.freedesktop.DBus.Error.UnknownObject", $"Unknown object '{call.PathAsString}'.");
            return;
        }
        string @interface = call.GetBodyReader().ReadString();
        Dictionary<string, VariantValue>? properties = PropertiesOf(unit, @interface);
        if (properties is null)
        {
            context.ReplyError("org.freedesktop.DBus.Error.UnknownInterface", $"Unknown interface {@interface}.");
            return;
        }
        if (call.MemberAsString != "GetAll")
        {
            context.ReplyUnknownMethodError();
            return;
        }
        using MessageWriter writer = context.CreateReplyWriter("a{sv}");
        ArrayStart start = writer.WriteDictionaryStart();
        foreach ((string key, VariantValue value) in properties)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(key);
            writer.WriteVariant(value);
        }
        writer.WriteDictionaryEnd(start);
        context.Reply(writer.CreateMessage());
    }

    private static Dictionary<string, VariantValue>? PropertiesOf(FakeUnit unit, string @interface) => @interface switch
    {
        "org.freedesktop.systemd1.Unit" => new()
        {
            ["Id"] = VariantValue.String(unit.Name),
            ["Names"] = VariantValue.Array(new[] { unit.Name }),
            ["Description"] = VariantValue.String("fake " + unit.Name),
            ["LoadState"] = VariantValue.String(unit.LoadState),
            ["ActiveState"] = VariantValue.String(unit.ActiveState),
            ["SubState"] = VariantValue.String(unit.SubState),
            ["ActiveEnterTimestamp"] = VariantValue.UInt64(unit.ActiveEnterUsec),
            // systemd's Job is (uo): a struct among the strings, as the real GetAll reply has many.
            ["Job"] = VariantValue.Struct(VariantValue.UInt32(0), VariantValue.ObjectPath(new ObjectPath("/"))),
        },
        "org.freedesktop.systemd1.Service" when unit.Name.EndsWith(".service", StringComparison.Ordinal) => new()
        {
            ["Type"] = VariantValue.String("notify"),
            ["MainPID"] = VariantValue.UInt32(unit.MainPid),
            ["NRestarts"] = VariantValue.UInt32(unit.Restarts),
        },
        _ => null,
    };
}
