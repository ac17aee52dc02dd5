using EdgeRegistry.Systemd.Tests.DBus;
using EdgeRegistry.Systemd.Units;
using Tmds.DBus.Protocol;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// The D-Bus replies edgereg reads (SystemdUnits.GetUnitStateAsync: a unit's object path, then its Unit and Service
/// properties), through a real dbus-daemon on a private socket with a fuzzed systemd on it. Documented outcomes: a
/// <see cref="UnitState"/> that reports exactly the states systemd sent, or <see cref="DBusReadException"/> (the
/// answers are not shaped as systemd's). Anything else — another exception, an invented state, a hang — is a finding.
/// </summary>
internal sealed class SystemdReplyTarget : IFuzzTarget, IDisposable
{
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(2);
    private readonly PrivateBus _bus = new();
    private readonly DBusConnection _service;
    private readonly FuzzedSystemd _systemd = new();
    private readonly SystemdUnits _units;

    public SystemdReplyTarget()
    {
        _service = new DBusConnection(_bus.PathAddress);
        _service.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _service.AddMethodHandler(_systemd);
        _service.RequestNameAsync("org.freedesktop.systemd1", RequestNameOptions.None).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _units = SystemdUnits.ConnectAsync(_bus.PathAddress, CallBound).GetAwaiter().GetResult();
    }

    public string Name => "dbus";

    public void Run(ReadOnlySpan<byte> input)
    {
        var script = SystemdReplyScript.Decode(input);
        _systemd.Script = script;
        UnitState state;
        try
        {
            state = _units.GetUnitStateAsync(script.UnitName).GetAwaiter().GetResult();
        }
        catch (DBusReadException)
        {
            return;
        }

        FuzzFinding.Check(state.Name == script.UnitName, $"asked for {script.UnitName}, reported {state.Name}");
        FuzzFinding.Check(Reported(script, "LoadState") == state.LoadState, $"LoadState {state.LoadState} is not what systemd sent");
        FuzzFinding.Check(Reported(script, "ActiveState") == state.ActiveState, $"ActiveState {state.ActiveState} is not what systemd sent");
        FuzzFinding.Check(Reported(script, "SubState") == state.SubState, $"SubState {state.SubState} is not what systemd sent");
        FuzzFinding.Check(state.MainPID is not 0, "a MainPID of 0 (no process) reported as a process");
    }

    private static string? Reported(SystemdReplyScript script, string name) =>
        script.Unit.TryGetValue(name, out var value) && value.Type == VariantValueType.String ? value.GetString() : null;

    public void Dispose()
    {
        _units.Dispose();
        _service.Dispose();
        _bus.Dispose();
    }
}
