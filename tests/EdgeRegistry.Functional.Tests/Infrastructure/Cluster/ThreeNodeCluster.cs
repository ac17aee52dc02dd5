using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Three `edgereg serve` processes (the AOT binary) that list each other as members and share a cluster secret,
/// one store root each. By default on 127.0.0.1, .2 and .3 with one port, as issue 3's rig prescribes; a
/// <see cref="NetworkNamespaces"/> rig puts each in its own namespace instead.
/// </summary>
internal sealed class ThreeNodeCluster : IAsyncDisposable
{
    private ThreeNodeCluster(IReadOnlyList<ClusterNode> nodes, string secretFile)
    {
        Nodes = nodes;
        SecretFile = secretFile;
    }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public ClusterNode A => Nodes[0];

    public ClusterNode B => Nodes[1];

    public ClusterNode C => Nodes[2];

    public string SecretFile { get; }

    /// <summary>Creates (does not start) the loopback rig.</summary>
    /// <param name="extraArguments">Further `serve` arguments for every node (e.g. --replication-bandwidth).</param>
    /// <param name="withUsers">
    /// Every node checks pushes against its own credentials file (<see cref="ClusterNode.CredentialsFile"/>, empty at
    /// first) instead of allowing anonymous loopback writes, which on this rig would let every node's client write.
    /// </param>
    public static ThreeNodeCluster OnLoopback(TempDirectory temp, ITestOutputHelper output, IReadOnlyList<string>? extraArguments = null,
        bool withUsers = false) =>
        Create(temp, output, ["127.0.0.1", "127.0.0.2", "127.0.0.3"], FreePort.Next(), _ => [], extraArguments, withUsers);

    /// <param name="launchPrefix">For each node index, the command it runs through (e.g. `ip netns exec NS`).</param>
    public static ThreeNodeCluster Create(TempDirectory temp, ITestOutputHelper output, IReadOnlyList<string> addresses, int port,
        Func<int, IReadOnlyList<string>> launchPrefix, IReadOnlyList<string>? extraArguments = null, bool withUsers = false)
    {
        var secret = ClusterSecretFile.Create(temp.Combine("cluster.secret"));
        List<string> members = [.. addresses.SelectMany(address => new[] { "--member", $"{address}:{port}" })];
        string[] names = ["A", "B", "C"];
        string[] sockets = [.. names.Select(name => temp.Combine($"status-{name}.sock"))];
        // Each node its own status socket: the default, /run/edgereg/status.sock, is one per machine.
        var nodes = addresses.Select((address, i) => new ClusterNode(names[i], new EdgeregOptions(temp.Combine($"store-{names[i]}"))
        {
            ListenHost = address,
            Port = port,
            ExtraArguments =
            [
                .. members, "--cluster-secret-file", secret, "--status-socket", sockets[i],
                .. launchPrefix(i).Count == 0 ? Array.Empty<string>() : ["--listen", $"127.0.0.1:{port}"],
                .. extraArguments ?? [],
            ],
            LaunchPrefix = launchPrefix(i),
            AnonymousWrites = !withUsers,
            CredentialsFile = withUsers ? temp.Combine($"etc-{names[i]}", "credentials") : null,
        }, output) { StatusSocket = sockets[i] }).ToList();
        return new ThreeNodeCluster(nodes, secret);
    }

    public async Task StartAllAsync() => await Task.WhenAll(Nodes.Where(n => !n.IsRunning).Select(n => n.StartAsync()));

    public async Task StopAllAsync() => await Task.WhenAll(Nodes.Select(n => n.StopAsync()));

    /// <summary>
    /// Waits (bounded) until no running node still holds a running peer in back-off: the log's last word on each
    /// peer is not "unreachable". Nodes started together refuse each other's first polls, and a node skips a
    /// backed-off peer even for client read-through (see the skipped cold-start test).
    /// </summary>
    public Task AwaitPeersSeenUpAsync() =>
        Eventually.HoldsAsync("every running node seeing its running peers", TimeSpan.FromSeconds(40), () =>
        {
            var running = Nodes.Where(n => n.IsRunning).ToList();
            foreach (var node in running)
            {
                var log = node.Output;
                foreach (var peer in running.Where(p => p != node))
                {
                    var down = log.LastIndexOf($"Peer {peer.Host} is unreachable", StringComparison.Ordinal);
                    var up = log.LastIndexOf($"Peer {peer.Host} is reachable", StringComparison.Ordinal);
                    if (down > up)
                    {
                        return $"node {node.Name} still has {peer.Name} ({peer.Host}) down";
                    }
                }
            }

            return null;
        });

    /// <summary>Every node's logs, for a failure message.</summary>
    public string Logs() => string.Join("\n", Nodes.Select(n => $"--- node {n.Name} ({n.Host}) ---\n{n.AllOutput}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
