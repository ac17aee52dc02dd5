using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Units;

/// <summary>
/// Reads unit states from systemd over D-Bus: the unit's object from Manager.GetUnit (or LoadUnit when it is not
/// loaded), then its Unit properties and, for services, its Service properties — one GetAll round trip each.
/// </summary>
public sealed class SystemdUnits : IAsyncDisposable
{
    private readonly DBusConnection _connection;

    public SystemdUnits(DBusConnection connection) => _connection = connection;

    /// <summary>Connects to <paramref name="address"/>, or to the system bus (<see cref="DBusAddress.System"/>).</summary>
    public static async Task<SystemdUnits> ConnectAsync(string? address = null, TimeSpan? timeout = null, CancellationToken ct = default) =>
        new(await DBusConnection.ConnectAsync(address ?? DBusAddress.System, timeout ?? DBusConnection.DefaultTimeout, ct).ConfigureAwait(false));

    /// <summary>
    /// Reads every unit in <paramref name="unitNames"/>; never throws for bus trouble — that becomes
    /// <see cref="SystemdUnitsReport.UnreachableReason"/>. Each step is bounded by <paramref name="timeout"/>
    /// (default <see cref="DBusConnection.DefaultTimeout"/>) and the first timeout ends the reading, so the whole
    /// costs at most a few timeouts however stuck the bus is.
    /// </summary>
    public static async Task<SystemdUnitsReport> ReadAsync(
        IReadOnlyList<string> unitNames, string? address = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        SystemdUnits units;
        try
        {
            units = await ConnectAsync(address, timeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusConnectionException or TimeoutException or DBusProtocolException or DBusErrorException)
        {
            return SystemdUnitsReport.Unreachable(e.Message);
        }
        await using (units.ConfigureAwait(false))
        {
            var reports = new List<UnitReport>(unitNames.Count);
            foreach (string name in unitNames)
            {
                try
                {
                    reports.Add(new UnitReport(name, await units.GetUnitStateAsync(name, ct).ConfigureAwait(false), null));
                }
                catch (DBusErrorException e) when (SystemdNames.MeansNoSystemd(e.ErrorName))
                {
                    return SystemdUnitsReport.Unreachable($"no systemd on the bus at {units._connection.Endpoint} ({e.Message})");
                }
                catch (DBusErrorException e)
                {
                    reports.Add(new UnitReport(name, null, e.Message));
                }
                catch (Exception e) when (e is DBusConnectionException or TimeoutException or DBusProtocolException)
                {
                    return SystemdUnitsReport.Unreachable(e.Message);
                }
            }
            return new SystemdUnitsReport(reports, null);
        }
    }

    /// <summary>
    /// The state of <paramref name="unitName"/>. A unit systemd has no file for comes back with LoadState
    /// "not-found", as systemctl shows it. Throws <see cref="DBusErrorException"/> for other refusals (invalid name,
    /// access denied, no systemd on the bus), <see cref="TimeoutException"/> and <see cref="DBusConnectionException"/>
    /// for bus trouble, <see cref="DBusProtocolException"/> when the answers are not shaped as systemd's.
    /// </summary>
    public async Task<UnitState> GetUnitStateAsync(string unitName, CancellationToken ct = default)
    {
        string? path = await FindUnitAsync(unitName, ct).ConfigureAwait(false);
        if (path is null) return UnitState.NotFound(unitName);

        Dictionary<string, DBusVariant> unit = await _connection.GetAllPropertiesAsync(SystemdNames.Destination, path, SystemdNames.UnitInterface, ct).ConfigureAwait(false);
        string loadState = RequiredString(unit, "LoadState", unitName);
        string activeState = RequiredString(unit, "ActiveState", unitName);
        string subState = RequiredString(unit, "SubState", unitName);
        DateTimeOffset? activeEnter = unit.TryGetValue("ActiveEnterTimestamp", out DBusVariant? stamp) ? FromMicroseconds(stamp.AsUInt64()) : null;

        uint? mainPid = null;
        uint? restarts = null;
        if (unitName.EndsWith(".service", StringComparison.Ordinal) && loadState != "not-found")
        {
            Dictionary<string, DBusVariant>? service = await TryGetServicePropertiesAsync(path, ct).ConfigureAwait(false);
            if (service is not null)
            {
                mainPid = service.TryGetValue("MainPID", out DBusVariant? pid) && pid.AsUInt32() is uint p and not 0 ? p : null;
                // NRestarts appeared in systemd 235; older managers simply lack it.
                restarts = service.TryGetValue("NRestarts", out DBusVariant? n) ? n.AsUInt32() : null;
            }
        }
        return new UnitState(unitName, loadState, activeState, subState, activeEnter, mainPid, restarts);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>GetUnit only knows loaded units; LoadUnit loads the file, and answers NoSuchUnit when there is none.</summary>
    private async Task<string?> FindUnitAsync(string unitName, CancellationToken ct)
    {
        try
        {
            return await CallForPathAsync("GetUnit", unitName, ct).ConfigureAwait(false);
        }
        catch (DBusErrorException e) when (e.ErrorName == SystemdNames.NoSuchUnitError)
        {
            // Not loaded right now; LoadUnit below decides whether it exists at all.
        }
        try
        {
            return await CallForPathAsync("LoadUnit", unitName, ct).ConfigureAwait(false);
        }
        catch (DBusErrorException e) when (e.ErrorName == SystemdNames.NoSuchUnitError)
        {
            return null;
        }
    }

    private async Task<string> CallForPathAsync(string member, string unitName, CancellationToken ct)
    {
        DBusMessage reply = await _connection.CallAsync(
            SystemdNames.Destination, SystemdNames.ManagerPath, SystemdNames.ManagerInterface, member, "s", [unitName], ct).ConfigureAwait(false);
        reply.ExpectSignature("o");
        return reply.GetBodyReader().ReadObjectPath();
    }

    private async Task<Dictionary<string, DBusVariant>?> TryGetServicePropertiesAsync(string path, CancellationToken ct)
    {
        try
        {
            return await _connection.GetAllPropertiesAsync(SystemdNames.Destination, path, SystemdNames.ServiceInterface, ct).ConfigureAwait(false);
        }
        catch (DBusErrorException e) when (!SystemdNames.MeansNoSystemd(e.ErrorName))
        {
            // A unit object without the Service interface (an alias resolved elsewhere, say): report what the Unit said.
            return null;
        }
    }

    private static string RequiredString(Dictionary<string, DBusVariant> properties, string name, string unitName)
    {
        if (!properties.TryGetValue(name, out DBusVariant? value))
        {
            throw new DBusProtocolException($"systemd reported no {name} for {unitName}");
        }
        return value.AsString();
    }

    /// <summary>systemd's realtime timestamps are microseconds since the epoch; 0 means "never".</summary>
    internal static DateTimeOffset? FromMicroseconds(ulong microseconds)
    {
        const ulong MaxMicroseconds = 253402300799999999; // 9999-12-31T23:59:59.999999Z, DateTimeOffset's last instant
        if (microseconds == 0 || microseconds > MaxMicroseconds) return null;
        return DateTimeOffset.UnixEpoch.AddTicks((long)microseconds * TimeSpan.TicksPerMicrosecond);
    }
}
