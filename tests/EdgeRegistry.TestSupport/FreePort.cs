using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.TestSupport;

/// <summary>
/// A loopback port that was free a moment ago, for servers started through a command line (which takes HOST:PORT
/// text, not a bound socket). Tests that can bind port 0 themselves do.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
