using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Tls;

/// <summary>
/// With no --listen the binary serves port 5000 on IPv6 and IPv4 alike where the node has IPv6, and on IPv4 where it
/// has not. Each case runs the binary in a network namespace of its own (so port 5000 is free whatever else runs
/// here) and asks from inside it with curl.
/// </summary>
public sealed class DefaultListenTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task DefaultListen_NodeWithIPv6_AnswersOnIPv6AndIPv4Loopback()
    {
        await using var node = await IsolatedNode.StartAsync("v6on", disableIPv6: false, environment: null, output);
        Assert.Equal("200", await node.CurlAsync("http://[::1]:5000/v2/"));
        Assert.Equal("200", await node.CurlAsync("http://127.0.0.1:5000/v2/"));
        Assert.Contains("listening on http://[::]:5000", node.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task DefaultListen_IPv6DisabledBySysctl_StillAnswersOnIPv4()
    {
        await using var node = await IsolatedNode.StartAsync("v6sysctl", disableIPv6: true, environment: null, output);
        Assert.Equal("200", await node.CurlAsync("http://127.0.0.1:5000/v2/"));
        Assert.Equal("000", await node.CurlAsync("http://[::1]:5000/v2/"));
    }

    /// <summary>
    /// A kernel booted with ipv6.disable=1 cannot be had here; .NET's own switch makes the runtime see the same thing
    /// (no IPv6 sockets), which is what the fallback to 0.0.0.0 looks at.
    /// </summary>
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task DefaultListen_RuntimeWithoutIPv6_FallsBackToIPv4AndSaysSo()
    {
        await using var node = await IsolatedNode.StartAsync("v6none", disableIPv6: false,
            new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_DISABLEIPV6"] = "1" }, output);
        Assert.Equal("200", await node.CurlAsync("http://127.0.0.1:5000/v2/"));
        Assert.Contains("This kernel has no IPv6: listening on 0.0.0.0:5000", node.Output, StringComparison.Ordinal);
        Assert.Contains("listening on http://0.0.0.0:5000", node.Output, StringComparison.Ordinal);
    }

    /// <summary>`edgereg serve` without --listen inside a fresh namespace holding only a loopback interface.</summary>
    private sealed class IsolatedNode : IAsyncDisposable
    {
        private readonly string _namespace;
        private readonly TempDirectory _temp;
        private readonly ITestOutputHelper _output;
        private BackgroundProcess? _process;

        private IsolatedNode(string name, ITestOutputHelper output)
        {
            _namespace = $"edgereg-listen-{name}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))}";
            _temp = new TempDirectory("listen-" + name);
            _output = output;
        }

        public string Output => _process?.Output ?? "";

        public static async Task<IsolatedNode> StartAsync(string name, bool disableIPv6, IReadOnlyDictionary<string, string>? environment,
            ITestOutputHelper output)
        {
            var node = new IsolatedNode(name, output);
            try
            {
                await IpAsync("netns", "add", node._namespace);
                if (disableIPv6)
                {
                    await node.InsideAsync("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                        "net.ipv6.conf.lo.disable_ipv6=1");
                }

                await node.InsideAsync("ip", "link", "set", "lo", "up");
                var config = node._temp.WriteFile("config.json", "{}");
                string[] arguments = ["netns", "exec", node._namespace, EdgeregBinary.Path, "serve", "--root", node._temp.Sub("root"), "--config", config,
                    "--status-socket", node._temp.Combine("status.sock")];
                var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("EDGEREG_", StringComparison.Ordinal));
                node._process = BackgroundProcess.Start("ip", arguments, inherited, environment);
                await Eventually.HoldsAsync("edgereg answering on 127.0.0.1:5000", TestTimeouts.ServerStart, async () =>
                    node._process.HasExited ? throw new InvalidOperationException($"edgereg exited:\n{node.Output}")
                    : await node.CurlAsync("http://127.0.0.1:5000/v2/") == "200" ? null : "no answer yet");
                return node;
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }

        /// <summary>The HTTP status curl got inside the namespace, "000" when it could not connect.</summary>
        public async Task<string> CurlAsync(string url)
        {
            var result = await ProcessRunner.RunAsync("ip", ["netns", "exec", _namespace, "curl", "-g", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "5", url], TestTimeouts.ShortCommand);
            return result.StandardOutput.Trim();
        }

        private async Task InsideAsync(params string[] command) =>
            (await ProcessRunner.RunAsync("ip", ["netns", "exec", _namespace, .. command], TestTimeouts.ShortCommand)).EnsureSuccess();

        private static async Task IpAsync(params string[] arguments) =>
            (await ProcessRunner.RunAsync("ip", arguments, TestTimeouts.ShortCommand)).EnsureSuccess();

        public async ValueTask DisposeAsync()
        {
            if (_process is not null)
            {
                await _process.DisposeAsync();
                _output.WriteLine($"--- edgereg in {_namespace} ---\n{_process.Output}");
            }

            await ProcessRunner.RunAsync("ip", ["netns", "del", _namespace], TestTimeouts.ShortCommand);
            _temp.Dispose();
        }
    }
}
