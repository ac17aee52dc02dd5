using EdgeRegistry.Cli;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Logging;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Status;

/// <summary>The real agent as `serve` builds it (status channel on), on 127.0.0.1:0 and a status socket under a temp directory.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningAgent(WebApplication app, ServeSettings settings)
    {
        _app = app;
        Settings = settings;
        BaseAddress = new Uri(ServeRunner.BoundAddresses(app).Single(address => address.StartsWith("http://127.", StringComparison.Ordinal)));
    }

    public ServeSettings Settings { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The guard at 1% free: the status rows asserted here must not depend on how full the machine's disk is (at the
    /// default 15%, a disk under 20% free already reads "near-limit" and adds a problem line).
    /// </summary>
    public static ServeSettings SettingsIn(TempDirectory temp) => RunningRegistry.Settings(temp.File("root")) with
    {
        StatusSocket = Path.Combine(temp.Path, "run", "edgereg", "status.sock"),
        MinFree = Storage.Capacity.SpaceLimit.OfPercent(1),
    };

    public static async Task<RunningAgent> StartAsync(ServeSettings settings)
    {
        var app = RegistryHost.Build(settings, LoggingSetup.CreateLogger(LogEventLevel.Warning, ConsoleStyle.Plain), statusChannel: true);
        RegistryHost.OpenStore(app);
        await app.StartAsync();
        return new RunningAgent(app, settings);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
