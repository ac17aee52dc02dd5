using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Three "hosts" on one machine: a network namespace each (10.77.0.1, .2, .3 by default), joined by veth links to a
/// bridge in this namespace (10.77.0.254) so the test itself can reach every node. Two rigs alive at once need
/// different subnets (both bridges route from this namespace): a test that may run beside another passes its own. Taking one host's link down cuts it
/// off from the others and from the test — a partition. Everything created is removed on dispose, even when
/// setup failed half-way. Names carry a random suffix so a leftover from a killed run never collides.
/// </summary>
internal sealed class NetworkNamespaces : IAsyncDisposable
{
    /// <summary>The subnet the partition and uplink tests share (they never run at the same time: one test class each).</summary>
    public const string DefaultSubnet = "10.77.0";

    private readonly string _subnet;

    /// <summary>
    /// A /24 of its own (10.200.0 – 10.249.255, away from the default) for a test that may run while another rig
    /// exists: a test class runs its tests one after another, but other classes and other checkouts do not wait.
    /// </summary>
    public static string RandomSubnet() =>
        $"10.{System.Security.Cryptography.RandomNumberGenerator.GetInt32(200, 250)}.{System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 256)}";
    private readonly string _suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
    private readonly List<string> _namespaces = [];
    private bool _bridgeCreated;

    private NetworkNamespaces(int hosts, string subnet)
    {
        _subnet = subnet;
        Addresses = Enumerable.Range(1, hosts).Select(i => $"{subnet}.{i}").ToList();
    }

    /// <summary>The hosts' addresses: the three nodes first, then any further host (e.g. an upstream registry).</summary>
    public IReadOnlyList<string> Addresses { get; }

    private string Bridge => $"erbr{_suffix}";

    /// <summary>Sets the rig up; null with the reason when namespaces cannot be created here (not root).</summary>
    /// <param name="subnet">The first three octets of the /24 the hosts and the bridge get.</param>
    public static async Task<(NetworkNamespaces? Rig, string? Unavailable)> CreateAsync(int hosts = 3, string subnet = DefaultSubnet)
    {
        var rig = new NetworkNamespaces(hosts, subnet);
        var probe = await RunAsync(["netns", "add", rig.Namespace(0)]);
        if (!probe.Succeeded)
        {
            return (null, $"`ip netns add` failed (needs root): {probe.StandardError.Trim()}");
        }

        rig._namespaces.Add(rig.Namespace(0));
        try
        {
            await rig.BuildAsync();
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }

        return (rig, null);
    }

    /// <summary>The command that runs a program inside host <paramref name="index"/>'s namespace (ip execs it: same pid).</summary>
    public IReadOnlyList<string> LaunchPrefix(int index) => ["ip", "netns", "exec", Namespace(index)];

    /// <summary>Cuts host <paramref name="index"/> off from everyone (its link to the bridge goes down).</summary>
    public async Task CutAsync(int index) => (await RunAsync(["link", "set", HostSide(index), "down"])).EnsureSuccess();

    public async Task HealAsync(int index) => (await RunAsync(["link", "set", HostSide(index), "up"])).EnsureSuccess();

    /// <summary>
    /// Shapes what host <paramref name="index"/> sends (a slow site uplink when it is the upstream) with a token bucket
    /// filter: <c>tc qdisc add dev X root tbf rate R burst 32kbit latency 400ms</c> (netem is not in this kernel).
    /// </summary>
    public async Task ShapeAsync(int index, string rate) =>
        (await ProcessRunner.RunAsync("ip", ["netns", "exec", Namespace(index), "tc", "qdisc", "add", "dev", NamespaceSide(index), "root", "tbf",
            "rate", rate, "burst", "32kbit", "latency", "400ms"], TestTimeouts.ShortCommand)).EnsureSuccess();

    /// <summary>Bytes host <paramref name="index"/> has sent on its link (its interface counter): what crossed the uplink when it is the upstream.</summary>
    public async Task<long> TransmittedBytesAsync(int index)
    {
        var read = await ProcessRunner.RunAsync("ip", ["netns", "exec", Namespace(index), "cat", $"/sys/class/net/{NamespaceSide(index)}/statistics/tx_bytes"],
            TestTimeouts.ShortCommand);
        read.EnsureSuccess();
        return long.Parse(read.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task BuildAsync()
    {
        await MustAsync(["link", "add", Bridge, "type", "bridge"]);
        _bridgeCreated = true;
        await MustAsync(["addr", "add", $"{_subnet}.254/24", "dev", Bridge]);
        await MustAsync(["link", "set", Bridge, "up"]);
        for (var i = 0; i < Addresses.Count; i++)
        {
            var ns = Namespace(i);
            if (!_namespaces.Contains(ns))
            {
                await MustAsync(["netns", "add", ns]);
                _namespaces.Add(ns);
            }

            await MustAsync(["link", "add", HostSide(i), "type", "veth", "peer", "name", NamespaceSide(i), "netns", ns]);
            await MustAsync(["link", "set", HostSide(i), "master", Bridge, "up"]);
            await MustAsync(["-n", ns, "addr", "add", $"{Addresses[i]}/24", "dev", NamespaceSide(i)]);
            await MustAsync(["-n", ns, "link", "set", NamespaceSide(i), "up"]);
            await MustAsync(["-n", ns, "link", "set", "lo", "up"]);
        }
    }

    private string Namespace(int index) => $"edgereg-{_suffix}-{index + 1}";

    private string HostSide(int index) => $"erh{_suffix}{index + 1}";

    private string NamespaceSide(int index) => $"ern{_suffix}{index + 1}";

    private static async Task MustAsync(IEnumerable<string> arguments) => (await RunAsync(arguments)).EnsureSuccess();

    private static Task<ProcessResult> RunAsync(IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync("ip", arguments, TestTimeouts.ShortCommand);

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace deletes its end of each veth, and with it the host end.
        foreach (var ns in _namespaces)
        {
            await RunAsync(["netns", "del", ns]);
        }

        if (_bridgeCreated)
        {
            await RunAsync(["link", "del", Bridge]);
        }
    }
}
