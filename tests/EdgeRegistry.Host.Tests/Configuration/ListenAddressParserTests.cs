using System.Net;
using EdgeRegistry.Configuration;

namespace EdgeRegistry.Host.Tests.Configuration;

public sealed class ListenAddressParserTests
{
    [Theory]
    [InlineData("0.0.0.0:5000", "0.0.0.0", 5000)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("192.168.10.4:65535", "192.168.10.4", 65535)]
    [InlineData("[::]:5000", "::", 5000)]
    [InlineData("[::1]:8443", "::1", 8443)]
    [InlineData("[fd00::12:1]:5000", "fd00::12:1", 5000)]
    public void TryParse_IpAddressAndPort_ReturnsEndpoint(string text, string address, int port)
    {
        Assert.True(ListenAddressParser.TryParse(text, out var endpoint, out var problem), problem);
        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
        Assert.False(endpoint.IsLocalhost);
    }

    [Fact]
    public void TryParse_Localhost_ReturnsLocalhostEndpoint()
    {
        Assert.True(ListenAddressParser.TryParse("localhost:5000", out var endpoint, out _));
        Assert.True(endpoint.IsLocalhost);
        Assert.Equal(5000, endpoint.Port);
        Assert.Equal("localhost:5000", endpoint.ToString());
    }

    [Theory]
    [InlineData("foo", "expected HOST:PORT")]
    [InlineData("5000", "expected HOST:PORT")]
    [InlineData(":5000", "expected HOST:PORT")]
    [InlineData("0.0.0.0:", "expected HOST:PORT")]
    [InlineData("0.0.0.0:http", "port \"http\" is not a number from 0 to 65535")]
    [InlineData("0.0.0.0:65536", "port \"65536\" is not a number from 0 to 65535")]
    [InlineData("0.0.0.0:-1", "port \"-1\" is not a number from 0 to 65535")]
    [InlineData("0.0.0.0:+80", "port \"+80\" is not a number from 0 to 65535")]
    [InlineData("registry.example:5000", "HOST must be an IP address, [IPv6 address] or localhost")]
    [InlineData("10.1:5000", "HOST must be an IP address, [IPv6 address] or localhost")]
    [InlineData("::1:5000", "an IPv6 HOST must be in brackets, e.g. [::]:5000")]
    [InlineData("[127.0.0.1]:5000", "only IPv6 addresses go in brackets")]
    [InlineData("localhost:0", "port 0 (any free port) needs an IP address, e.g. 127.0.0.1:0")]
    public void TryParse_Malformed_ReturnsProblem(string text, string expectedProblem)
    {
        Assert.False(ListenAddressParser.TryParse(text, out var endpoint, out var problem));
        Assert.Null(endpoint);
        Assert.Equal(expectedProblem, problem);
    }
}
