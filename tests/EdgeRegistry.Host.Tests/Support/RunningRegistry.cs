using EdgeRegistry.Cli;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Logging;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>The real host (Kestrel, store, API) on an ephemeral 127.0.0.1 port.</summary>
internal sealed class RunningRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningRegistry(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public IServiceProvider Services => _app.Services;

    /// <param name="fileSystem">The store's file system: the real one, or a fault-injecting one under the whole host.</param>
    public static async Task<RunningRegistry> StartAsync(ServeSettings settings, System.IO.Abstractions.IFileSystem? fileSystem = null)
    {
        var app = RegistryHost.Build(settings, LoggingSetup.CreateLogger(LogEventLevel.Warning), fileSystem: fileSystem);
        RegistryHost.OpenStore(app);
        await app.StartAsync();
        var address = ServeRunner.BoundAddresses(app).Single();
        return new RunningRegistry(app, new Uri(address));
    }

    /// <summary>
    /// Settings for a test server. Anonymous loopback writes are on so <c>/v2/</c> answers 200 without
    /// credentials (with a credentials file and no anonymous access the API asks for them there).
    /// </summary>
    public static ServeSettings Settings(string root) => new()
    {
        AnonymousWrites = true,
        Listen = [new ListenEndpoint(System.Net.IPAddress.Loopback, 0)],
        Root = root,
        CredentialsFile = System.IO.Path.Combine(root, "no-credentials"),
        LogLevel = LogEventLevel.Warning,
    };

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
