using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Configuration;

/// <summary>
/// Parses <c>HOST:PORT</c> where HOST is an IPv4 address, a bracketed IPv6 address (<c>[::]:5000</c>) or
/// <c>localhost</c>. Host names are refused: Kestrel binds addresses, and a name that resolves differently
/// at boot would silently move the registry.
/// </summary>
internal static class ListenAddressParser
{
    public static bool TryParse(string text, [NotNullWhen(true)] out ListenEndpoint? endpoint, [NotNullWhen(false)] out string? problem)
    {
        endpoint = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            problem = "expected HOST:PORT";
            return false;
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            problem = $"port \"{portText}\" is not a number from 0 to 65535";
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel binds localhost as two sockets (IPv4 and IPv6), which cannot share one ephemeral port.
            if (port == 0)
            {
                problem = "port 0 (any free port) needs an IP address, e.g. 127.0.0.1:0";
                return false;
            }

            endpoint = new ListenEndpoint(IPAddress.Loopback, port, IsLocalhost: true);
            problem = null;
            return true;
        }

        var bracketed = host.Length >= 2 && host[0] == '[' && host[^1] == ']';
        var addressText = bracketed ? host[1..^1] : host;
        if (!IPAddress.TryParse(addressText, out var address))
        {
            problem = "HOST must be an IP address, [IPv6 address] or localhost";
            return false;
        }

        // An unbracketed IPv6 address is ambiguous ("::1:5000" could end in a port or in a group), so require brackets.
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !bracketed)
        {
            problem = "an IPv6 HOST must be in brackets, e.g. [::]:5000";
            return false;
        }

        // IPAddress.TryParse also takes legacy short forms ("10.1" is 10.0.0.1); a typo must not bind elsewhere.
        if (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
        {
            problem = "HOST must be an IP address, [IPv6 address] or localhost";
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && bracketed)
        {
            problem = "only IPv6 addresses go in brackets";
            return false;
        }

        endpoint = new ListenEndpoint(address, port);
        problem = null;
        return true;
    }
}
