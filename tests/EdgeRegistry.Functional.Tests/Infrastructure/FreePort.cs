using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Functional.Tests.Infrastructure;

/// <summary>Asks the kernel for an unused loopback port (tests bind to 127.0.0.1 only).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
