using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>
/// A loopback port that was free a moment ago, for tests that go through the CLI (which takes HOST:PORT
/// text, not a bound socket). Tests that can use port 0 do.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
