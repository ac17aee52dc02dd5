using System.Diagnostics;
using EdgeRegistry.Systemd.Tests.DBus;
using EdgeRegistry.Systemd.Units;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>When systemd cannot be asked, ReadAsync returns a printable reason instead of throwing or hanging.</summary>
public sealed class SystemdUnitsUnreachableTests
{
    [Fact]
    public async Task ReadAsync_NoBusSocket_ReportsUnreachableWithAddress()
    {
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], "unix:path=/nonexistent/edgereg/system_bus_socket");

        Assert.False(report.Reachable);
        Assert.Empty(report.Units);
        Assert.StartsWith("systemd not reachable over D-Bus: cannot connect to D-Bus: unix:path=/nonexistent/edgereg/system_bus_socket", report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_MalformedAddress_ReportsUnreachableNamingIt()
    {
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], "tcp:host=127.0.0.1,port=1");

        Assert.Contains("transport 'tcp' is not supported", report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_BusWithoutSystemd_ReportsNoSystemd()
    {
        using var bus = new PrivateBus();

        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service", "crio.service"], bus.PathAddress);

        Assert.False(report.Reachable);
        Assert.Contains("no systemd on the bus at " + bus.PathAddress, report.UnreachableMessage);
        Assert.Contains("org.freedesktop.DBus.Error.ServiceUnknown", report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_SilentBus_ReportsTimeoutWithinBound()
    {
        await using ScriptedBus bus = ScriptedBus.Silent();
        var clock = Stopwatch.StartNew();

        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], bus.Address, TimeSpan.FromMilliseconds(300));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Contains("did not complete connect, authentication and Hello within 0.3 s", report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_BusStopsAnsweringAfterHello_ReportsTimeoutOnce()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello((stream, ct) => Task.Delay(Timeout.Infinite, ct));
        var clock = Stopwatch.StartNew();

        // One second, not less: the same bound covers connect and Hello, which a loaded two-core CI machine once
        // missed at 300 ms (the message then names the connect, not the call this test is about).
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service", "crio.service", "kubelet.service"], bus.Address, TimeSpan.FromSeconds(1));

        // The first timeout ends the reading: three units do not cost three timeouts (3 s).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.9), $"took {clock.Elapsed}");
        Assert.Contains("GetUnit to org.freedesktop.systemd1 got no reply within 1 s", report.UnreachableMessage);
    }

    [Theory]
    [InlineData(0ul, null)]
    [InlineData(ulong.MaxValue, null)]
    [InlineData(253402300799999999ul, "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData(1ul, "1970-01-01T00:00:00.0000010+00:00")]
    public void FromMicroseconds_Boundaries_MapsNeverAndOutOfRangeToNull(ulong usec, string? expected) =>
        Assert.Equal(expected, SystemdUnits.FromMicroseconds(usec)?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
}
