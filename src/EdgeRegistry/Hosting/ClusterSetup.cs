using System.Net;
using EdgeRegistry.Configuration;
using EdgeRegistry.Replication;
using EdgeRegistry.Replication.Membership;
using EdgeRegistry.Replication.Security;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Turns the cluster settings into replication options, checking everything that can be checked before
/// anything listens: which member this node is, and that the cluster secret is there, private and long enough.
/// A stand-alone node (no members) gets no replication at all.
/// </summary>
internal static class ClusterSetup
{
    /// <returns>Options for a clustered node, null for a stand-alone one; or the problem that must stop start-up.</returns>
    public static (ReplicationOptions? Options, string? Problem) Resolve(ServeSettings settings)
    {
        if (!settings.IsClustered) return (null, null);
        var members = settings.Members.Select(static m => m.ToString()).ToList();
        var listen = settings.Listen.SelectMany(static l => l.IsLocalhost
            ? new[] { new IPEndPoint(IPAddress.Loopback, l.Port), new IPEndPoint(IPAddress.IPv6Loopback, l.Port) }
            : [new IPEndPoint(l.Address, l.Port)]).ToList();
        var (self, selfProblem) = SelfDetection.Detect(members, listen, settings.NodeName);
        if (self is null) return (null, $"{SettingKey.Members.FileKey}: {selfProblem}");
        var (secret, secretProblem) = ClusterSecret.Load(settings.ClusterSecretFile);
        if (secret is null) return (null, $"{SettingKey.ClusterSecretFile.Flag}: {secretProblem}");
        return (new ReplicationOptions
        {
            Self = self,
            Peers = members.Where(m => m != self).ToList(),
            Secret = secret,
            BytesPerSecond = settings.ReplicationBytesPerSecond,
            UseTls = settings.UsesTls,
        }, null);
    }
}
