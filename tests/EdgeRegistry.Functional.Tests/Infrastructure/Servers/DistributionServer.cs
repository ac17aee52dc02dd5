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

    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseAddress => new($"http://{Host}/");

    public static async Task<DistributionServer> StartAsync(string root, string configDirectory, ITestOutputHelper? testOutput = null)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"{BinaryPath} is missing: install Debian's docker-registry (tests/run-tests.sh does).");
        }

        var port = FreePort.Next();
        var configPath = Path.Combine(configDirectory, $"distribution-{port}.yml");
        await File.WriteAllTextAsync(configPath, Config(root, port));
        var process = BackgroundProcess.Start(BinaryPath, ["serve", configPath]);
        var server = new DistributionServer(port, process, testOutput);
        try
        {
            await HttpReadiness.WaitAsync(server.BaseAddress, process, TestTimeouts.ServerStart);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static string Config(string root, int port) => $"""
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: {root}
          delete:
            enabled: true
          cache:
            blobdescriptor: inmemory
        http:
          addr: 127.0.0.1:{port}
        """;

    public Task StopAsync() => _process.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _testOutput?.WriteLine($"--- `{_process.Command}` output ---\n{_process.Output}");
    }
}
