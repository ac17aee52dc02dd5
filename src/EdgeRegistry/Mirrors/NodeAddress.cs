using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EdgeRegistry.Mirrors;

/// <summary>
/// A node's registry as clients reach it, <c>HOST:PORT</c>. IPv6 literals are refused: the
/// config.openshift.io API rejects <c>[addr]:port</c> mirror locations.
/// </summary>
internal sealed partial record NodeAddress(string Host, int Port)
{
    public const int DefaultPort = 5000;

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static NodeAddress Parse(string text)
    {
        var trimmed = text.Trim();
        var origin = $"--node \"{text}\"";
        if (trimmed.Contains('[') || trimmed.Count(c => c == ':') > 1)
        {
            throw new MirrorInputException($"{origin}: IPv6 addresses cannot be mirror locations in OpenShift; use an IPv4 address or a host name");
        }

        var colon = trimmed.IndexOf(':');
        var host = colon < 0 ? trimmed : trimmed[..colon];
        var port = DefaultPort;
        if (colon >= 0
            && (!int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new MirrorInputException($"{origin}: PORT must be a number from 1 to 65535");
        }

        if (IPAddress.TryParse(host, out var address))
        {
            if (address.AddressFamily != AddressFamily.InterNetwork || host.Count(c => c == '.') != 3)
            {
                throw new MirrorInputException($"{origin}: expected HOST[:PORT] with a dotted IPv4 address or a host name");
            }

            return new NodeAddress(address.ToString(), port);
        }

        if (!HostNamePattern().IsMatch(host))
        {
            throw new MirrorInputException($"{origin}: expected HOST[:PORT] with an IPv4 address or a host name");
        }

        return new NodeAddress(host.ToLowerInvariant(), port);
    }

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex HostNamePattern();
}
