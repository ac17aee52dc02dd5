using EdgeRegistry.Systemd.Units;
using Tmds.DBus.Protocol;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>SystemdUnits against a real dbus-daemon with the fake systemd service on it.</summary>
public sealed class SystemdUnitsTests : IClassFixture<FakeSystemdBus>
{
    private readonly FakeSystemdBus _fixture;

    public SystemdUnitsTests(FakeSystemdBus fixture) => _fixture = fixture;

    private string Address => _fixture.Bus.PathAddress;

    [Fact]
    public async Task GetUnitStateAsync_ActiveService_ReportsRunningWithPidTimestampAndRestarts()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        UnitState state = await units.GetUnitStateAsync("edgereg.service");

        Assert.Equal(new UnitState("edgereg.service", "loaded", "active", "running",
            DateTimeOffset.Parse("2023-11-14T22:13:20.123456Z", System.Globalization.CultureInfo.InvariantCulture), 4242u, 1u), state);
    }

    [Fact]
    public async Task GetUnitStateAsync_UnitNotLoaded_FallsBackToLoadUnitAndReportsDead()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        UnitState state = await units.GetUnitStateAsync("crio.service");

        Assert.Equal(new UnitState("crio.service", "loaded", "inactive", "dead", null, null, 0u), state);
        Assert.Contains("GetUnit crio.service", _fixture.Service.ManagerCalls);
        Assert.Contains("LoadUnit crio.service", _fixture.Service.ManagerCalls);
    }

    [Fact]
    public async Task GetUnitStateAsync_FailedService_ReportsFailedWithoutPid()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        UnitState state = await units.GetUnitStateAsync("kubelet.service");

        Assert.Equal("failed", state.ActiveState);
        Assert.Equal("failed", state.SubState);
        Assert.Null(state.MainPID);
        Assert.Equal(5u, state.NRestarts);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), state.ActiveEnterTimestamp);
    }

    [Fact]
    public async Task GetUnitStateAsync_UnitWithoutFile_ReportsNotFoundInsteadOfThrowing()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        UnitState state = await units.GetUnitStateAsync("no-such-thing.service");

        Assert.Equal(UnitState.NotFound("no-such-thing.service"), state);
    }

    [Fact]
    public async Task GetUnitStateAsync_SocketUnit_HasNoServiceFields()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        UnitState state = await units.GetUnitStateAsync("edgereg-metrics.socket");

        Assert.Equal("listening", state.SubState);
        Assert.Null(state.MainPID);
        Assert.Null(state.NRestarts);
    }

    [Fact]
    public async Task GetUnitStateAsync_InvalidName_ThrowsSystemdsError()
    {
        using SystemdUnits units = await SystemdUnits.ConnectAsync(Address);

        var error = await Assert.ThrowsAsync<DBusErrorReplyException>(() => units.GetUnitStateAsync("nodot"));

        Assert.Equal("org.freedesktop.DBus.Error.InvalidArgs", error.ErrorName);
    }

    [Fact]
    public async Task ReadAsync_ThreeUnitsAndABadName_ReportsEachInOrder()
    {
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service", "crio.service", "kubelet.service", "nodot"], Address);

        Assert.True(report.Reachable);
        Assert.Null(report.UnreachableMessage);
        Assert.Equal(["edgereg.service", "crio.service", "kubelet.service", "nodot"], report.Units.Select(u => u.Name));
        Assert.Equal(["active", "inactive", "failed"], report.Units.Take(3).Select(u => u.State!.ActiveState));
        UnitReport bad = report.Units[3];
        Assert.Null(bad.State);
        Assert.Equal("org.freedesktop.DBus.Error.InvalidArgs: Unit name nodot is not valid.", bad.Error);
    }

    [Fact]
    public async Task ReadAsync_AbstractAddress_ReadsUnits()
    {
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], "unix:abstract=" + _fixture.Bus.AbstractName);

        Assert.Equal("running", Assert.Single(report.Units).State!.SubState);
    }

    [Fact]
    public async Task ReadAsync_AddressAsDaemonPrintsIt_ReadsUnits()
    {
        // dbus-daemon prints its address with a guid= key, as DBUS_SYSTEM_BUS_ADDRESS may carry it.
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], _fixture.Bus.PrintedAddress);

        Assert.Equal("running", Assert.Single(report.Units).State!.SubState);
    }

    [Fact]
    public async Task ReadAsync_FirstAddressEntryMissing_FallsBackToNext()
    {
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], "unix:path=/nonexistent/edgereg/bus;" + Address);

        Assert.True(report.Reachable, report.UnreachableMessage);
        Assert.Equal("running", Assert.Single(report.Units).State!.SubState);
    }

    [Fact]
    public void PathFor_UnitName_EscapesLikeSystemd() =>
        Assert.Equal("/org/freedesktop/systemd1/unit/edgereg_2dmetrics_2esocket", FakeSystemdService.PathFor("edgereg-metrics.socket"));
}
