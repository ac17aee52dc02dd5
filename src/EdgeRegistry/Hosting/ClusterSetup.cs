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
    /// <summary>How to name this node, appended to every self-detection problem: the operator's way out.</summary>
    private static readonly string NodeNameHint =
        $"{SettingKey.NodeName.Flag} HOST:PORT ({SettingKey.NodeName.EnvironmentVariable}, or \"{SettingKey.NodeName.FileKey}\" in the config file) names the member that is this node";

    /// <returns>
    /// Options for a clustered node, null for a stand-alone one; or every problem that must stop start-up, all at
    /// once, so an operator fixing the member list does not find the missing secret only on the next try.
    /// </returns>
    public static (ReplicationOptions? Options, IReadOnlyList<string> Problems) Resolve(ServeSettings settings)
    {
        if (!settings.IsClustered) return (null, []);
        var members = settings.Members.Select(static m => m.ToString()).ToList();
        var listen = settings.Listen.SelectMany(static l => l.IsLocalhost
            ? new[] { new IPEndPoint(IPAddress.Loopback, l.Port), new IPEndPoint(IPAddress.IPv6Loopback, l.Port) }
            : [new IPEndPoint(l.Address, l.Port)]).ToList();
        var (self, selfProblem) = SelfDetection.Detect(members, listen, settings.NodeName);
        var (secret, secretProblem) = ClusterSecret.Load(settings.ClusterSecretFile);
        var problems = new List<string>();
        if (self is null) problems.Add($"{SettingKey.Members.FileKey}: {selfProblem}; {NodeNameHint}");
        if (secret is null) problems.Add($"{SettingKey.ClusterSecretFile.Flag}: {secretProblem}");
        if (problems.Count > 0) return (null, problems);
        return (new ReplicationOptions
        {
            Self = self!,
            Peers = members.Where(m => m != self).ToList(),
            Secret = secret!,
            BytesPerSecond = settings.ReplicationBytesPerSecond,
            UseTls = settings.UsesTls,
        }, []);
    }
}
