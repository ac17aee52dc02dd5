using System.Diagnostics;
using EdgeRegistry.Systemd.Tests.DBus;
using EdgeRegistry.Systemd.Units;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>When systemd cannot be asked, ReadAsync returns a printable reason at once instead of throwing or hanging.</summary>
public sealed class SystemdUnitsUnreachableTests
{
    /// <summary>Far above what any of these takes: each must fail on what the bus did, not at the timeout.</summary>
    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(30);

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
        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], "no-transport-here");

        Assert.False(report.Reachable);
        Assert.StartsWith("systemd not reachable over D-Bus: cannot connect to D-Bus: no-transport-here: ", report.UnreachableMessage);
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
    public async Task ReadAsync_AuthenticationRejected_ReportsUnreachableAtOnce()
    {
        await using ScriptedBus bus = ScriptedBus.Rejecting();
        var clock = Stopwatch.StartNew();

        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], bus.Address, LongTimeout);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal($"systemd not reachable over D-Bus: cannot connect to D-Bus: {bus.Address}: Authentication failure", report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_BusSendsGarbage_ReportsUnreachableAtOnce()
    {
        await using ScriptedBus bus = ScriptedBus.Authenticating((stream, ct) =>
            stream.WriteAsync("this is not a D-Bus message, and it is long enough to be read as a header"u8.ToArray(), ct).AsTask());
        var clock = Stopwatch.StartNew();

        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], bus.Address, LongTimeout);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"a broken connection must fail at once, not at its timeout; took {clock.Elapsed}");
        Assert.Equal($"systemd not reachable over D-Bus: cannot connect to D-Bus: {bus.Address}: the bus sent something that is not a D-Bus message",
            report.UnreachableMessage);
    }

    [Fact]
    public async Task ReadAsync_BusHangsUpAfterAuthentication_ReportsUnreachableAtOnce()
    {
        await using ScriptedBus bus = ScriptedBus.Authenticating((stream, _) =>
        {
            stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            return Task.CompletedTask;
        });
        var clock = Stopwatch.StartNew();

        SystemdUnitsReport report = await SystemdUnits.ReadAsync(["edgereg.service"], bus.Address, LongTimeout);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal($"systemd not reachable over D-Bus: cannot connect to D-Bus: {bus.Address}: Connection closed by peer", report.UnreachableMessage);
    }

    [Theory]
    [InlineData(0ul, null)]
    [InlineData(ulong.MaxValue, null)]
    [InlineData(253402300799999999ul, "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData(1ul, "1970-01-01T00:00:00.0000010+00:00")]
    public void FromMicroseconds_Boundaries_MapsNeverAndOutOfRangeToNull(ulong usec, string? expected) =>
        Assert.Equal(expected, SystemdUnits.FromMicroseconds(usec)?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
}
