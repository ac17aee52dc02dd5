using Tmds.DBus.Protocol;

namespace EdgeRegistry.Systemd.Units;

/// <summary>
/// Reads unit states from systemd over D-Bus (Tmds.DBus.Protocol): the unit's object from Manager.GetUnit (or
/// LoadUnit when it is not loaded), then its Unit properties and, for services, its Service properties — one GetAll
/// round trip each. Connecting (socket, authentication, Hello) and every call are bounded by one timeout, so a bus
/// that is slow, absent or never answers costs a bounded time, never a hang.
/// </summary>
public sealed partial class SystemdUnits : IDisposable
{
    /// <summary>The default bound on connecting and on each call: a healthy local bus answers in milliseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The system bus when <c>DBUS_SYSTEM_BUS_ADDRESS</c> names none (the D-Bus specification's default).</summary>
    public const string DefaultSystemBusAddress = "unix:path=/run/dbus/system_bus_socket";

    private readonly DBusConnection _connection;

    private SystemdUnits(DBusConnection connection, string address, TimeSpan timeout)
    {
        _connection = connection;
        Address = address;
        Timeout = timeout;
    }

    /// <summary>The bus address this reader connected to.</summary>
    public string Address { get; }

    /// <summary>The bound on each call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Reads every unit in <paramref name="unitNames"/>; never throws for bus trouble — that becomes
    /// <see cref="SystemdUnitsReport.UnreachableReason"/>. Each step is bounded by <paramref name="timeout"/>
    /// (default <see cref="DefaultTimeout"/>) and the first timeout ends the reading, so the whole costs at most a
    /// few timeouts however stuck the bus is.
    /// </summary>
    public static async Task<SystemdUnitsReport> ReadAsync(
        IReadOnlyList<string> unitNames, string? address = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        SystemdUnits units;
        try
        {
            units = await ConnectAsync(address, timeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsBusTrouble(e))
        {
            return SystemdUnitsReport.Unreachable(e.Message);
        }
        using (units)
        {
            var reports = new List<UnitReport>(unitNames.Count);
            foreach (string name in unitNames)
            {
                try
                {
                    reports.Add(new UnitReport(name, await units.GetUnitStateAsync(name, ct).ConfigureAwait(false), null));
                }
                catch (DBusErrorReplyException e) when (SystemdNames.MeansNoSystemd(e.ErrorName))
                {
                    return SystemdUnitsReport.Unreachable($"no systemd on the bus at {units.Address} ({Describe(e)})");
                }
                catch (DBusErrorReplyException e)
                {
                    reports.Add(new UnitReport(name, null, Describe(e)));
                }
                catch (Exception e) when (IsBusTrouble(e))
                {
                    return SystemdUnitsReport.Unreachable(e.Message);
                }
            }
            return new SystemdUnitsReport(reports, null);
        }
    }

    /// <summary>
    /// The state of <paramref name="unitName"/>. A unit systemd has no file for comes back with LoadState
    /// "not-found", as systemctl shows it. Throws <see cref="DBusErrorReplyException"/> for other refusals (invalid
    /// name, access denied, no systemd on the bus), <see cref="TimeoutException"/> when a call is not answered in
    /// time, <see cref="DBusConnectionException"/> when the connection breaks, and <see cref="DBusReadException"/>
    /// when the answers are not shaped as systemd's.
    /// </summary>
    public async Task<UnitState> GetUnitStateAsync(string unitName, CancellationToken ct = default)
    {
        string? path = await FindUnitAsync(unitName, ct).ConfigureAwait(false);
        if (path is null) return UnitState.NotFound(unitName);

        Dictionary<string, VariantValue> unit = await GetAllPropertiesAsync(path, SystemdNames.UnitInterface, ct).ConfigureAwait(false);
        string loadState = RequiredString(unit, "LoadState", unitName);
        string activeState = RequiredString(unit, "ActiveState", unitName);
        string subState = RequiredString(unit, "SubState", unitName);
        DateTimeOffset? activeEnter = OptionalUInt64(unit, "ActiveEnterTimestamp", unitName) is ulong stamp
            ? FromMicroseconds(stamp)
            : null;

        uint? mainPid = null;
        uint? restarts = null;
        if (unitName.EndsWith(".service", StringComparison.Ordinal) && loadState != "not-found")
        {
            Dictionary<string, VariantValue>? service = await TryGetServicePropertiesAsync(path, ct).ConfigureAwait(false);
            if (service is not null)
            {
                mainPid = OptionalUInt32(service, "MainPID", unitName) is uint pid and not 0 ? pid : null;
                // NRestarts appeared in systemd 235; older managers simply lack it.
                restarts = OptionalUInt32(service, "NRestarts", unitName);
            }
        }
        return new UnitState(unitName, loadState, activeState, subState, activeEnter, mainPid, restarts);
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>GetUnit only knows loaded units; LoadUnit loads the file, and answers NoSuchUnit when there is none.</summary>
    private async Task<string?> FindUnitAsync(string unitName, CancellationToken ct)
    {
        try
        {
            return await CallManagerForPathAsync("GetUnit", unitName, ct).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName == SystemdNames.NoSuchUnitError)
        {
            // Not loaded right now; LoadUnit below decides whether it exists at all.
        }
        try
        {
            return await CallManagerForPathAsync("LoadUnit", unitName, ct).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName == SystemdNames.NoSuchUnitError)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, VariantValue>?> TryGetServicePropertiesAsync(string path, CancellationToken ct)
    {
        try
        {
            return await GetAllPropertiesAsync(path, SystemdNames.ServiceInterface, ct).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e) when (!SystemdNames.MeansNoSystemd(e.ErrorName))
        {
            // A unit object without the Service interface (an alias resolved elsewhere, say): report what the Unit said.
            return null;
        }
    }

    private static string RequiredString(Dictionary<string, VariantValue> properties, string name, string unitName)
    {
        if (!properties.TryGetValue(name, out VariantValue value))
        {
            throw new DBusReadException($"systemd reported no {name} for {unitName}");
        }
        return value.Type == VariantValueType.String ? value.GetString() : throw Mismatch(name, unitName, value, "a string");
    }

    private static uint? OptionalUInt32(Dictionary<string, VariantValue> properties, string name, string unitName)
    {
        if (!properties.TryGetValue(name, out VariantValue value)) return null;
        return value.Type == VariantValueType.UInt32 ? value.GetUInt32() : throw Mismatch(name, unitName, value, "a uint32");
    }

    private static ulong? OptionalUInt64(Dictionary<string, VariantValue> properties, string name, string unitName)
    {
        if (!properties.TryGetValue(name, out VariantValue value)) return null;
        return value.Type == VariantValueType.UInt64 ? value.GetUInt64() : throw Mismatch(name, unitName, value, "a uint64");
    }

    private static DBusReadException Mismatch(string name, string unitName, VariantValue value, string expected) =>
        new($"systemd reported {name} of {unitName} as {value.Type}, expected {expected}");

    /// <summary>systemd's realtime timestamps are microseconds since the epoch; 0 means "never".</summary>
    internal static DateTimeOffset? FromMicroseconds(ulong microseconds)
    {
        const ulong MaxMicroseconds = 253402300799999999; // 9999-12-31T23:59:59.999999Z, DateTimeOffset's last instant
        if (microseconds == 0 || microseconds > MaxMicroseconds) return null;
        return DateTimeOffset.UnixEpoch.AddTicks((long)microseconds * TimeSpan.TicksPerMicrosecond);
    }
}
