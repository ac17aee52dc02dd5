using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>
/// One running `edgereg serve` on a free loopback port. Dispose kills it; <see cref="KillAsync"/> is the
/// SIGKILL the crash test needs and <see cref="StopAsync"/> the graceful SIGTERM stop.
/// </summary>
internal sealed class EdgeregServer : IAsyncDisposable
{
    private readonly BackgroundProcess _process;

    private EdgeregServer(EdgeregOptions options, int port, BackgroundProcess process)
    {
        Options = options;
        Port = port;
        _process = process;
    }

    public EdgeregOptions Options { get; }

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT", as in docker://HOST/repo:tag references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseAddress => new($"http://{Host}/");

    public int Pid => _process.Pid;

    public string Output => _process.Output;

    public static async Task<EdgeregServer> StartAsync(EdgeregOptions options)
    {
        var port = FreePort.Next();
        List<string> arguments = ["serve", "--listen", $"127.0.0.1:{port}", "--root", options.Root];
        if (options.AnonymousWrites)
        {
            arguments.Add("--anonymous-writes");
        }

        if (options.CredentialsFile is not null)
        {
            arguments.AddRange(["--credentials-file", options.CredentialsFile]);
        }

        var process = BackgroundProcess.Start(EdgeregBinary.Path, arguments);
        var server = new EdgeregServer(options, port, process);
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

    /// <summary>Starts a new server on the same root and options (a fresh port), as after a node reboot.</summary>
    public Task<EdgeregServer> StartAnotherOnSameRootAsync() => StartAsync(Options);

    public Task KillAsync() => _process.KillAsync();

    public Task StopAsync() => _process.StopAsync();

    public long PeakResidentBytes() => ProcessMemory.PeakResidentBytes(_process.Pid);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
