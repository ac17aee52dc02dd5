using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>
/// One running `edgereg serve` on a free loopback port. Dispose kills it; <see cref="KillAsync"/> is the
/// SIGKILL the crash test needs and <see cref="StopAsync"/> the graceful SIGTERM stop. The server's own
/// log goes to the test's output on dispose, so a failing test shows what the server saw.
/// </summary>
internal sealed class EdgeregServer : IAsyncDisposable
{
    private readonly BackgroundProcess _process;
    private readonly ITestOutputHelper? _testOutput;

    private EdgeregServer(EdgeregOptions options, int port, BackgroundProcess process, ITestOutputHelper? testOutput)
    {
        Options = options;
        Port = port;
        _process = process;
        _testOutput = testOutput;
    }

    public EdgeregOptions Options { get; }

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT" (the listen address), as in docker://HOST/repo:tag references.</summary>
    public string Host => $"{Options.ListenHost}:{Port}";

    public Uri BaseAddress => new($"{(Options.Tls is null ? "http" : "https")}://{Host}/");

    public int Pid => _process.Pid;

    public string Output => _process.Output;

    public static async Task<EdgeregServer> StartAsync(EdgeregOptions options, ITestOutputHelper? testOutput = null)
    {
        var port = options.Port ?? FreePort.Next();
        // Isolated from the machine it runs on: an empty config file instead of /etc/edgereg/config.json (unless the
        // test names its own) and no inherited EDGEREG_* variables, so only the flags below decide how the server runs.
        List<string> arguments = ["serve", "--listen", $"{options.ListenHost}:{port}", "--root", options.Root];
        if (!options.ExtraArguments.Contains("--config"))
        {
            var emptyConfig = options.Root.TrimEnd('/') + ".config.json";
            await File.WriteAllTextAsync(emptyConfig, "{}");
            arguments.AddRange(["--config", emptyConfig]);
        }
        if (options.AnonymousWrites)
        {
            arguments.Add("--anonymous-writes");
        }

        if (options.CredentialsFile is not null)
        {
            arguments.AddRange(["--credentials-file", options.CredentialsFile]);
        }

        // Tests run many servers on one machine: each gets its own status socket unless the test names one,
        // never the machine's /run/edgereg/status.sock.
        if (!options.ExtraArguments.Contains("--status-socket"))
        {
            arguments.AddRange(["--status-socket", options.Root.TrimEnd('/') + ".status.sock"]);
        }

        if (options.Tls is not null)
        {
            arguments.AddRange(["--tls-cert", options.Tls.CertificateFile, "--tls-key", options.Tls.KeyFile]);
        }

        arguments.AddRange(options.ExtraArguments);
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("EDGEREG_", StringComparison.Ordinal));
        var process = options.LaunchPrefix.Count == 0
            ? BackgroundProcess.Start(EdgeregBinary.Path, arguments, inherited, options.Environment)
            : BackgroundProcess.Start(options.LaunchPrefix[0], [.. options.LaunchPrefix.Skip(1), EdgeregBinary.Path, .. arguments], inherited, options.Environment);
        var server = new EdgeregServer(options, port, process, testOutput);
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

    public Task KillAsync() => _process.KillAsync();

    public Task StopAsync() => _process.StopAsync();

    public long PeakResidentBytes() => ProcessMemory.PeakResidentBytes(_process.Pid);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _testOutput?.WriteLine($"--- `{_process.Command}` output ---\n{_process.Output}");
    }
}
