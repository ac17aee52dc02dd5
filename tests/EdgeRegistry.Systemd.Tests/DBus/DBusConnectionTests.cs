using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>The client against a real dbus-daemon on a private socket.</summary>
public sealed class DBusConnectionTests : IClassFixture<PrivateBus>
{
    private readonly PrivateBus _bus;

    public DBusConnectionTests(PrivateBus bus) => _bus = bus;

    [Fact]
    public async Task ConnectAsync_PathAddress_GetsUniqueNameFromHello()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);

        Assert.StartsWith(":1.", connection.UniqueName);
        Assert.Equal(_bus.PathAddress, connection.Endpoint);
    }

    [Fact]
    public async Task ConnectAsync_PrintedAddressWithGuid_Connects()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PrintedAddress);

        Assert.StartsWith(":1.", connection.UniqueName);
    }

    [Fact]
    public async Task ConnectAsync_AbstractAddress_Connects()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync("unix:abstract=" + _bus.AbstractName);

        Assert.StartsWith(":1.", connection.UniqueName);
    }

    [Fact]
    public async Task ConnectAsync_FirstEntryMissing_FallsBackToNext()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync("unix:path=/nonexistent/edgereg/bus;" + _bus.PathAddress);

        Assert.Equal(_bus.PathAddress, connection.Endpoint);
    }

    [Fact]
    public async Task ConnectAsync_NoSocket_ThrowsConnectionExceptionNamingTheAddress()
    {
        var error = await Assert.ThrowsAsync<DBusConnectionException>(() => DBusConnection.ConnectAsync("unix:path=/nonexistent/edgereg/bus"));

        Assert.Contains("cannot connect to D-Bus: unix:path=/nonexistent/edgereg/bus", error.Message);
    }

    [Fact]
    public async Task CallAsync_ListNames_ReturnsBusAndOurName()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);

        DBusMessage reply = await connection.CallAsync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames", "", []);

        reply.ExpectSignature("as");
        var names = (object[])reply.GetBodyReader().ReadValue("as");
        Assert.Contains("org.freedesktop.DBus", names);
        Assert.Contains(connection.UniqueName, names);
    }

    [Fact]
    public async Task CallAsync_UnknownDestination_ThrowsErrorReplyWithName()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);

        var error = await Assert.ThrowsAsync<DBusErrorException>(() =>
            connection.CallAsync("org.example.Nobody", "/", "org.example.Nobody", "Anything", "", []));

        Assert.Equal("org.freedesktop.DBus.Error.ServiceUnknown", error.ErrorName);
        Assert.Contains("org.example.Nobody", error.ErrorMessage);
    }

    [Fact]
    public async Task CallAsync_UnknownMethodOnBus_ThrowsUnknownMethod()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);

        var error = await Assert.ThrowsAsync<DBusErrorException>(() =>
            connection.CallAsync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NoSuchMethod", "s", ["x"]));

        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", error.ErrorName);
    }

    [Fact]
    public async Task GetPropertyAsync_BusFeatures_ReturnsStringArrayVariant()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);

        DBusVariant features = await connection.GetPropertyAsync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Interfaces");

        Assert.Equal("as", features.Signature);
        Assert.Contains("org.freedesktop.DBus.Monitoring", (object[])features.Value);
    }

    [Fact]
    public async Task CallAsync_PeerEchoingNestedValues_RoundTripsThroughDaemon()
    {
        await using DBusConnection service = await DBusConnection.ConnectAsync(_bus.PathAddress);
        service.SetMethodHandler(call => DBusMethodResult.Return(call.Signature, call.GetBodyReader().ReadValues(call.Signature)));
        await using DBusConnection client = await DBusConnection.ConnectAsync(_bus.PathAddress);
        object[] args =
        [
            (byte)1,
            new KeyValuePair<object, object>[] { new("k", new DBusVariant("(td)", new object[] { 5ul, 1.5 })) },
            new object[] { new object[] { "a", "/o", 7u } },
            new DBusVariant("v", new DBusVariant("ay", new object[] { (byte)1, (byte)2 })),
        ];

        DBusMessage reply = await client.CallAsync(service.UniqueName, "/echo", "org.example.Echo", "Echo", "ya{sv}a(sou)v", args);

        object[] echoed = reply.GetBodyReader().ReadValues(reply.Signature);
        Assert.Equal("ya{sv}a(sou)v", reply.Signature);
        Assert.Equal((byte)1, echoed[0]);
        var entry = Assert.Single(Assert.IsType<KeyValuePair<object, object>[]>(echoed[1]));
        Assert.Equal(new object[] { 5ul, 1.5 }, Assert.IsType<DBusVariant>(entry.Value).Value);
        Assert.Equal(new object[] { "a", "/o", 7u }, Assert.Single(Assert.IsType<object[]>(echoed[2])));
        Assert.Equal(new object[] { (byte)1, (byte)2 }, ((DBusVariant)((DBusVariant)echoed[3]).Value).Value);
    }

    [Fact]
    public async Task CallAsync_PeerAnswersError_ThrowsItsNameAndMessage()
    {
        await using DBusConnection service = await DBusConnection.ConnectAsync(_bus.PathAddress);
        service.SetMethodHandler(_ => DBusMethodResult.Error("org.example.Error.Broken", "it broke"));
        await using DBusConnection client = await DBusConnection.ConnectAsync(_bus.PathAddress);

        var error = await Assert.ThrowsAsync<DBusErrorException>(() => client.CallAsync(service.UniqueName, "/x", "org.example.X", "Do", "", []));

        Assert.Equal("org.example.Error.Broken", error.ErrorName);
        Assert.Equal("it broke", error.ErrorMessage);
        Assert.Equal("org.example.Error.Broken: it broke", error.Message);
    }

    [Fact]
    public async Task CallAsync_PeerWithoutHandler_ThrowsUnknownMethod()
    {
        await using DBusConnection service = await DBusConnection.ConnectAsync(_bus.PathAddress);
        await using DBusConnection client = await DBusConnection.ConnectAsync(_bus.PathAddress);

        var error = await Assert.ThrowsAsync<DBusErrorException>(() => client.CallAsync(service.UniqueName, "/x", "org.example.X", "Do", "", []));

        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", error.ErrorName);
    }

    [Fact]
    public async Task CallAsync_AfterDispose_ThrowsConnectionException()
    {
        DBusConnection connection = await DBusConnection.ConnectAsync(_bus.PathAddress);
        await connection.DisposeAsync();

        await Assert.ThrowsAsync<DBusConnectionException>(() =>
            connection.CallAsync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames", "", []));
    }

    [Fact]
    public async Task CallAsync_ManyConcurrentCalls_EachGetsItsOwnReply()
    {
        await using DBusConnection service = await DBusConnection.ConnectAsync(_bus.PathAddress);
        service.SetMethodHandler(call => DBusMethodResult.Return("u", call.GetBodyReader().ReadUInt32() * 2));
        await using DBusConnection client = await DBusConnection.ConnectAsync(_bus.PathAddress);

        // 100 stays under dbus-daemon's default of 128 pending replies per connection (it answers LimitsExceeded beyond).
        uint[] results = await Task.WhenAll(Enumerable.Range(1, 100).Select(async i =>
        {
            DBusMessage reply = await client.CallAsync(service.UniqueName, "/x", "org.example.X", "Double", "u", [(uint)i]);
            return reply.GetBodyReader().ReadUInt32();
        }));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (uint)i * 2), results);
    }
}
