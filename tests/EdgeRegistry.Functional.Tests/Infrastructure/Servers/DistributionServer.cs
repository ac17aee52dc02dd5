using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>
/// Debian's CNCF Distribution 2.8.2 (/usr/bin/docker-registry) serving a filesystem root on loopback, with
/// deletes enabled: the reference implementation edgereg's on-disk layout must interoperate with.
/// </summary>
internal sealed class DistributionServer : IAsyncDisposable
{
    public const string BinaryPath = "/usr/bin/docker-registry";
    private readonly BackgroundProcess _process;
    private readonly ITestOutputHelper? _testOutput;

    private DistributionServer(int port, BackgroundProcess process, ITestOutputHelper? testOutput)
    {
        Port = port;
        _process = process;
        _testOutput = testOutput;
    }

    public int Port { get; }

    public string Host => $"{ListenHost}:{Port}";

    public Uri BaseAddress => new($"{(_tls ? "https" : "http")}://{Host}/");

    private bool _tls;

    /// <summary>What the process printed so far: its access log lines among them.</summary>
    public string Output => _process.Output;

    /// <param name="security">TLS and an auth method (htpasswd or token), as an upstream behind them.</param>
    public static async Task<DistributionServer> StartAsync(string root, string configDirectory, ITestOutputHelper? testOutput = null,
        DistributionSecurity? security = null, string listenHost = "127.0.0.1", IReadOnlyList<string>? launchPrefix = null)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"{BinaryPath} is missing: install Debian's docker-registry (tests/run-tests.sh does).");
        }

        var port = FreePort.Next();
        var configPath = Path.Combine(configDirectory, $"distribution-{port}.yml");
        await File.WriteAllTextAsync(configPath, Config(root, listenHost, port) + (security?.Yaml ?? ""));
        var prefix = launchPrefix ?? [];
        var process = prefix.Count == 0
            ? BackgroundProcess.Start(BinaryPath, ["serve", configPath])
            : BackgroundProcess.Start(prefix[0], [.. prefix.Skip(1), BinaryPath, "serve", configPath]);
        var server = new DistributionServer(port, process, testOutput) { _tls = security is not null, ListenHost = listenHost };
        try
        {
            // Behind TLS and auth the readiness probe is the port answering a TLS handshake; plain, the /v2/ answer.
            if (security is null && prefix.Count == 0) await HttpReadiness.WaitAsync(server.BaseAddress, process, TestTimeouts.ServerStart);
            else await WaitForPortAsync(prefix, $"{(security is null ? "http" : "https")}://{listenHost}:{port}/v2/", process);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public string ListenHost { get; private init; } = "127.0.0.1";

    /// <summary>Until something accepts on the port (curl inside the namespace when the server runs in one).</summary>
    private static async Task WaitForPortAsync(IReadOnlyList<string> prefix, string url, BackgroundProcess process)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.ServerStart;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"docker-registry exited: {process.Output}");
            List<string> command = [.. prefix, "curl", "-sk", "-o", "/dev/null", "--max-time", "2", url];
            var probe = await ProcessRunner.RunAsync(command[0], command.Skip(1), TimeSpan.FromSeconds(5));
            // curl exits 0 on any HTTP answer (401 included); 7 while nothing listens.
            if (probe.ExitCode == 0) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"docker-registry did not answer at {url}");
    }

    private static string Config(string root, string host, int port) => $"""
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: false
        storage:
          filesystem:
            rootdirectory: {root}
          delete:
            enabled: true
          cache:
            blobdescriptor: inmemory
        http:
          addr: {host}:{port}

        """;

    public Task StopAsync() => _process.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _testOutput?.WriteLine($"--- `{_process.Command}` output ---\n{_process.Output}");
    }
}
