using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace EdgeRegistry.Configuration;

/// <summary>
/// A cluster member as peers reach it: an IP address or host name, and a port. Host names are allowed (unlike
/// listen addresses) because a MachineConfig applied to all masters may name them; they are resolved at use.
/// </summary>
internal sealed record MemberEndpoint(string Host, int Port)
{
    public override string ToString() => (Host.Contains(':') ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string text, [NotNullWhen(true)] out MemberEndpoint? member, [NotNullWhen(false)] out string? problem)
    {
        member = null;
        text = text.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            problem = "expected HOST:PORT";
            return false;
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            problem = "PORT must be a number from 1 to 65535";
            return false;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            member = new MemberEndpoint(address.ToString(), port);
            problem = null;
            return true;
        }

        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            problem = "HOST must be an IP address or a DNS host name";
            return false;
        }

        member = new MemberEndpoint(host.ToLowerInvariant(), port);
        problem = null;
        return true;
    }
}
