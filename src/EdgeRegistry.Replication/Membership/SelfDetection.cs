using System.Net;
using System.Net.NetworkInformation;

namespace EdgeRegistry.Replication.Membership;

/// <summary>
/// Works out which entry of the cluster's member list is this node. The same configuration is applied to every
/// master, so the node has to recognise itself: by an explicit name, by a member that equals one of its listen
/// addresses (the test rig, where every member is a loopback address of one machine), or by a member whose host
/// is one of this machine's interface addresses or its host name.
/// </summary>
public static class SelfDetection
{
    /// <param name="members">Every member as "HOST:PORT" (IPv6 hosts in brackets).</param>
    /// <param name="listen">The addresses this node listens on.</param>
    /// <param name="explicitName">An operator's override; must be one of <paramref name="members"/>.</param>
    /// <returns>The member that is this node, or an error message naming the problem.</returns>
    public static (string? Self, string? Problem) Detect(IReadOnlyList<string> members, IReadOnlyList<IPEndPoint> listen,
        string? explicitName, IReadOnlyCollection<IPAddress>? localAddresses = null, string? hostName = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitName))
        {
            string name = explicitName.Trim();
            return members.Contains(name, StringComparer.OrdinalIgnoreCase)
                ? (members.First(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase)), null)
                : (null, $"node name \"{name}\" is not one of the members ({string.Join(", ", members)})");
        }

        // A member equal to a specific listen address is unambiguous.
        var exact = members.Where(m => TrySplit(m, out var host, out int port)
            && IPAddress.TryParse(host, out var address)
            && listen.Any(l => l.Port == port && l.Address.Equals(address))).ToList();
        if (exact.Count == 1) return (exact[0], null);
        if (exact.Count > 1) return (null, $"several members match this node's listen addresses ({string.Join(", ", exact)}); set the node name");

        localAddresses ??= LocalAddresses();
        hostName ??= Dns.GetHostName();
        var ports = listen.Select(l => l.Port).ToHashSet();
        var local = members.Where(m => TrySplit(m, out var host, out int port) && ports.Contains(port)
            && ((IPAddress.TryParse(host, out var address) && localAddresses.Contains(address))
                || string.Equals(host, hostName, StringComparison.OrdinalIgnoreCase)
                || host.StartsWith(hostName + ".", StringComparison.OrdinalIgnoreCase))).ToList();
        return local.Count switch
        {
            1 => (local[0], null),
            0 => (null, $"none of the members ({string.Join(", ", members)}) is this node (host {hostName}); set the node name"),
            _ => (null, $"several members are this node ({string.Join(", ", local)}); set the node name"),
        };
    }

    public static bool TrySplit(string member, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = member.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(member.AsSpan(colon + 1), out port)) return false;
        host = member[..colon].Trim('[', ']');
        return true;
    }

    private static HashSet<IPAddress> LocalAddresses()
    {
        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in network.GetIPProperties().UnicastAddresses) addresses.Add(unicast.Address);
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list: only explicit names and listen addresses can identify the node.
        }
        return addresses;
    }
}
