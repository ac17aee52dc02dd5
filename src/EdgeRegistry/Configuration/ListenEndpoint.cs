using System.Globalization;
using System.Net;

namespace EdgeRegistry.Configuration;

/// <summary>An address Kestrel listens on. <see cref="IsLocalhost"/> means both loopback families.</summary>
internal sealed record ListenEndpoint(IPAddress Address, int Port, bool IsLocalhost = false)
{
    public override string ToString() => IsLocalhost
        ? $"localhost:{Port.ToString(CultureInfo.InvariantCulture)}"
        : new IPEndPoint(Address, Port).ToString();
}
