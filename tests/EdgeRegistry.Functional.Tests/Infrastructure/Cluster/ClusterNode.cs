using System.Text;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// One member of a test cluster: a fixed address and store root that outlive the `edgereg serve` process, so a
/// test can stop, kill, wipe and start the node again as an operator would.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly EdgeregOptions _options;
    private readonly ITestOutputHelper? _testOutput;
    private readonly StringBuilder _earlierRuns = new();
    private EdgeregServer? _server;

    public ClusterNode(string name, EdgeregOptions options, ITestOutputHelper? testOutput)
    {
        Name = name;
        _options = options;
        _testOutput = testOutput;
    }

    public string Name { get; }

    /// <summary>"ADDRESS:PORT": the node's member entry and its docker:// host.</summary>
    public string Host => $"{_options.ListenHost}:{_options.Port}";

    public Uri BaseAddress => new($"http://{Host}/");

    /// <summary>
    /// Where a client on the node itself reaches it: anonymous writes are allowed from loopback only, so pushes
    /// to a node in a network namespace go to its own 127.0.0.1 from inside that namespace.
    /// </summary>
    public string LocalHost => _options.LaunchPrefix.Count == 0 ? Host : $"127.0.0.1:{_options.Port}";

    /// <summary>The command a client on the node runs through (empty on the loopback rig).</summary>
    public IReadOnlyList<string> LaunchPrefix => _options.LaunchPrefix;

    public string Root => _options.Root;

    /// <summary>The node's credentials file (`--credentials-file`), when the rig was started with users.</summary>
    public string? CredentialsFile => _options.CredentialsFile;

    /// <summary>The node's own status socket (`edgereg status`, `gc`, `import` reach the agent there); null when it has none of its own.</summary>
    public string? StatusSocket { get; init; }

    public bool IsRunning => _server is not null;

    /// <summary>The log of the running process (empty when stopped).</summary>
    public string Output => _server?.Output ?? "";

    /// <summary>Every run's log so far, for failure messages.</summary>
    public string AllOutput => _earlierRuns + Output;

    public async Task StartAsync()
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"node {Name} is already running");
        }

        Directory.CreateDirectory(Root);
        _server = await EdgeregServer.StartAsync(_options, _testOutput);
    }

    /// <summary>SIGTERM, as systemd stops the service.</summary>
    public Task StopAsync() => EndAsync(server => server.StopAsync());

    /// <summary>SIGKILL: a node that dies without a word.</summary>
    public Task KillAsync() => EndAsync(server => server.KillAsync());

    /// <summary>The disk was replaced: an empty store root (the node must be stopped).</summary>
    public void Wipe()
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"stop node {Name} before wiping its store");
        }

        Directory.Delete(Root, recursive: true);
        Directory.CreateDirectory(Root);
    }

    public RegistryHttp Http() => new(BaseAddress);

    private async Task EndAsync(Func<EdgeregServer, Task> end)
    {
        if (_server is not { } server)
        {
            return;
        }

        _server = null;
        try
        {
            await end(server);
        }
        finally
        {
            _earlierRuns.Append(server.Output);
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
