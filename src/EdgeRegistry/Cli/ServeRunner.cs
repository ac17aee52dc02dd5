using System.Net.Sockets;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Logging;
using EdgeRegistry.Replication.Convergence;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeRegistry.Cli;

/// <summary>
/// Runs the registry with validated settings: opens the store, then starts listening, then waits for
/// SIGTERM/Ctrl-C (or <paramref name="cancellationToken"/>) and stops gracefully within the shutdown timeout.
/// </summary>
internal static partial class ServeRunner
{
    public static async Task<int> RunAsync(ServeSettings settings, ProcessContext process, CancellationToken cancellationToken)
    {
        var (replication, clusterProblems) = ClusterSetup.Resolve(settings);
        if (clusterProblems.Count > 0)
        {
            foreach (var problem in clusterProblems)
            {
                process.Fail(problem);
            }

            return ExitCodes.InvalidInput;
        }

        var (upstream, upstreamProblem) = UpstreamSetup.Resolve(settings);
        if (upstreamProblem is not null)
        {
            process.Fail(upstreamProblem);
            return ExitCodes.InvalidInput;
        }

        var logger = LoggingSetup.CreateLogger(settings.LogLevel);
        ThreadPoolFloor.Apply();
        await using var app = RegistryHost.Build(settings, logger, statusChannel: true, replication, upstream);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeRegistry.Serve");

        var notifications = app.Services.GetRequiredService<ServiceNotifications>();
        notifications.Recovering(settings.Root);
        IRegistryStore store;
        try
        {
            store = RegistryHost.OpenStore(app);
        }
        catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
        {
            Log.StoreOpenFailed(log, settings.Root, e);
            process.Fail($"cannot open store at {settings.Root}: {e.Message}");
            return ExitCodes.Failure;
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Kestrel releases whatever it had bound before the failure; nothing is left half-listening. Name the
            // listener that failed: the status socket's bind fails with the same exception types as a TCP port's.
            bool statusSocket = e.Message.Contains(settings.StatusSocket, StringComparison.Ordinal);
            process.Fail(statusSocket
                ? $"cannot listen on the status socket {settings.StatusSocket}: {e.Message} (use --status-socket to give each agent its own)"
                : $"cannot listen on {string.Join(", ", settings.Listen)}: {e.Message}");
            return ExitCodes.Failure;
        }

        // READY=1 went out as the start completed (ServiceNotificationsLifecycle); STOPPING=1 goes out as it stops.
        LogStarted(log, app, settings);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        // Background loops end when the process has finished stopping, so the watchdog is fed during a graceful drain too.
        using var background = new CancellationTokenSource();
        var watchdog = notifications.RunWatchdogAsync(store, background.Token);
        var status = notifications.RunStatusAsync(
            async token => (await app.Services.GetRequiredService<CachedStoreCensus>().GetAsync(token).ConfigureAwait(false))?.Counts?.Repositories
                ?? store.ListRepositories().Count,
            BoundAddresses(app), app.Services.GetService<IReplicationBacklog>() is { } queue ? () => queue.Pending : null, lifetime.ApplicationStopping);
        var maintenance = store is RegistryStore local ? StoreMaintenance.RunAsync(local, log, background.Token) : Task.CompletedTask;

        await app.WaitForShutdownAsync(cancellationToken);
        await background.CancelAsync();
        await Task.WhenAll(watchdog, status, maintenance);
        Log.Stopped(log);
        return ExitCodes.Success;
    }

    /// <summary>The addresses actually bound (port 0 becomes the port the kernel picked).</summary>
    public static IReadOnlyCollection<string> BoundAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    private static void LogStarted(ILogger log, WebApplication app, ServeSettings settings)
    {
        Log.Started(log, VersionCommand.Version, string.Join(", ", BoundAddresses(app)), settings.Root);
        if (settings.ConfigFile is not null)
        {
            Log.ConfigFileUsed(log, settings.ConfigFile);
        }

        if (settings.AnonymousWrites)
        {
            Log.AnonymousWritesEnabled(log);
        }

        // The expiry was read when the settings validated the certificate: no third load of the PEM files here.
        if (settings.TlsCertificateNotAfter is { } notAfter && notAfter < DateTime.Now)
        {
            Log.CertificateExpired(log, settings.TlsCertificateFile!, notAfter);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "edgereg {Version} listening on {Addresses}, store {Root}")]
        public static partial void Started(ILogger logger, string version, string addresses, string root);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Settings read from config file {ConfigFile}")]
        public static partial void ConfigFileUsed(ILogger logger, string configFile);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
            Message = "Anonymous writes from loopback are enabled: any process or host-network pod on this node can push and delete")]
        public static partial void AnonymousWritesEnabled(ILogger logger);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "TLS certificate {CertificateFile} expired on {NotAfter}; clients will refuse it")]
        public static partial void CertificateExpired(ILogger logger, string certificateFile, DateTime notAfter);

        [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "Cannot open the store at {Root}")]
        public static partial void StoreOpenFailed(ILogger logger, string root, Exception exception);

        [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Stopped")]
        public static partial void Stopped(ILogger logger);
    }
}
