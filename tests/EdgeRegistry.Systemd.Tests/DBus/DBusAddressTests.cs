using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

public sealed class DBusAddressTests
{
    [Fact]
    public void Parse_PathWithGuid_GivesPathEndpoint()
    {
        DBusEndpoint endpoint = Assert.Single(DBusAddress.Parse("unix:path=/run/dbus/system_bus_socket,guid=0123"));

        Assert.Equal("unix:path=/run/dbus/system_bus_socket", endpoint.Description);
        Assert.Equal("/run/dbus/system_bus_socket", endpoint.EndPoint.ToString());
    }

    [Fact]
    public void Parse_Abstract_GivesNulPrefixedName()
    {
        DBusEndpoint endpoint = Assert.Single(DBusAddress.Parse("unix:abstract=/tmp/dbus-XYZ"));

        Assert.Equal("unix:abstract=/tmp/dbus-XYZ", endpoint.Description);
        Assert.Equal("@/tmp/dbus-XYZ", endpoint.EndPoint.ToString());
    }

    [Fact]
    public void Parse_PercentEscapes_AreDecoded()
    {
        DBusEndpoint endpoint = Assert.Single(DBusAddress.Parse("unix:path=/tmp/a%20b%2cc"));

        Assert.Equal("unix:path=/tmp/a b,c", endpoint.Description);
    }

    [Fact]
    public void Parse_UnsupportedEntriesFirst_KeepsUsableOnesInOrder()
    {
        IReadOnlyList<DBusEndpoint> endpoints = DBusAddress.Parse("tcp:host=127.0.0.1,port=1;unix:path=/a;unix:abstract=b");

        Assert.Equal(["unix:path=/a", "unix:abstract=b"], endpoints.Select(e => e.Description));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("tcp:host=localhost,port=5", "transport 'tcp' is not supported")]
    [InlineData("unix:tmpdir=/tmp", "needs exactly one of path= or abstract=")]
    [InlineData("unix:path=/a,abstract=b", "needs exactly one of path= or abstract=")]
    [InlineData("unix:path=/a%2", "malformed %-escape")]
    [InlineData("nocolon", "has no transport name")]
    public void Parse_NoUsableEntry_NamesTheProblem(string address, string problem)
    {
        var error = Assert.Throws<FormatException>(() => DBusAddress.Parse(address));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void System_WithoutEnvironment_IsTheWellKnownSocket()
    {
        string? saved = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
        try
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", null);
            Assert.Equal("unix:path=/run/dbus/system_bus_socket", DBusAddress.System);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", saved);
        }
    }
}
