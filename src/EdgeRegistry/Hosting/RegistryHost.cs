using EdgeRegistry.Collection;
using EdgeRegistry.Configuration;
using EdgeRegistry.Distribution;
using EdgeRegistry.Distribution.Rejections;
using EdgeRegistry.Health;
using EdgeRegistry.Logging;
using EdgeRegistry.Metrics;
using EdgeRegistry.Replication;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Scrub;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Upstream;
using EdgeRegistry.Upstream.Cluster;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serilog.Core;

namespace EdgeRegistry.Hosting;

/// <summary>The one place the registry is wired: Kestrel, logging, the store and the distribution API.</summary>
internal static class RegistryHost
{
    /// <param name="statusChannel">
    /// Also answer `edgereg status` on <see cref="ServeSettings.StatusSocket"/>. `serve` turns it on; in-process
    /// tests that do not test the status leave it off so they never touch the machine's /run/edgereg.
    /// </param>
    public static WebApplication Build(ServeSettings settings, Logger logger, bool statusChannel = false, ReplicationOptions? replication = null,
        UpstreamOptions? upstream = null, System.IO.Abstractions.IFileSystem? fileSystem = null)
    {
        // The empty builder: no configuration sources at all (no appsettings*.json, no DOTNET_/ASPNETCORE_
        // variables, no hosting-startup assemblies), no default logging providers, and Kestrel only as added
        // below. edgereg has its own flags, EDGEREG_* variables and config file, so nothing else may change
        // behaviour; and the defaults' file probing and provider set-up cost start-up time for nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = "edgereg",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddSerilogLogging(logger);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout);
        // edgereg logs its own start-up line with the bound addresses; the generic host's banner adds nothing.
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        // sd_notify: READY=1 once recovered and bound, STOPPING=1, and under systemd the library's SystemdLifetime.
        builder.Services.AddServiceNotifications();
        // edgereg's own TCP transport instead of Kestrel's socket transport: 64 KiB receives (Kestrel's take 4 KiB
        // each, a quarter-million syscalls per GiB uploaded) and blob bodies sent by sendfile(2).
        builder.Services.AddSingleton<IConnectionListenerFactory>(services =>
            new TcpTransportFactory(services.GetRequiredService<ILoggerFactory>()));
        if (settings.UsesTls)
        {
            builder.Services.AddSingleton(services => new ServingCertificate(settings.TlsCertificateFile!, settings.TlsKeyFile!,
                services.GetRequiredService<ILoggerFactory>().CreateLogger<ServingCertificate>()));
            builder.Services.AddHostedService<ServingCertificateReloader>();
        }

        builder.WebHost.ConfigureKestrel(options =>
            KestrelSetup.Configure(options, settings, options.ApplicationServices.GetService<ServingCertificate>(),
                options.ApplicationServices.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddPrebuiltOptions<HostOptions>()
            .AddPrebuiltOptions<ConsoleLifetimeOptions>()
            .AddPrebuiltOptions<KestrelServerOptions>()
            .AddPrebuiltOptions<FormOptions>();

        // --max-manifest-bytes is read here once and given to everything that bounds a manifest: the API (413 before
        // the body is read), the store (which checks again on every write) and the peer client (so what one node
        // accepts also replicates). Three limits that could differ would let a manifest pass one and fail the next.
        long maxManifestBytes = settings.MaxManifestBytes;

        // Stale uploads are purged by StoreMaintenance once serving: that walk of every repository is not
        // needed for a consistent store, so it stays off the path to READY.
        // The file system is the real one except in tests that inject faults under the whole host.
        builder.Services.AddSingleton<IRegistryStore>(services => RegistryStore.Open(
            fileSystem ?? new System.IO.Abstractions.FileSystem(),
            new StoreOptions
            {
                Root = settings.Root,
                PurgeStaleUploadsOnOpen = false,
                MaxManifestBytes = maxManifestBytes,
                DiskGuard = new Storage.Capacity.DiskGuardOptions { MinFree = settings.MinFree, MaxStoreBytes = settings.MaxStoreBytes },
            },
            services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddDistributionApi(new DistributionOptions
        {
            AnonymousWritesFromLoopback = settings.AnonymousWrites,
            CredentialsFile = settings.CredentialsFile,
            MaxManifestBytes = maxManifestBytes,
        });
        if (replication is not null)
        {
            builder.Services.AddReplication(replication with { MaxManifestBytes = maxManifestBytes });
            // A user added on one node may push to every node: the credentials file's users travel to the peers.
            builder.Services.AddUserReplication(new ReplicatedCredentialsFile(settings.CredentialsFile));
            builder.Services.AddSingleton<IPeerStatusSource, ReplicationPeerStatus>();
        }

        if (statusChannel)
        {
            builder.AddStatusChannel(settings.StatusSocket, settings.Root);
        }

        builder.Services.AddGarbageCollection(settings.Collection);
        builder.Services.AddScrub(settings.Scrub);

        // After replication and the status channel: metrics wrap the remote source and share the store census.
        builder.Services.AddMetrics(settings.Root);
        builder.Services.AddHostedService<DiskGuardMonitor>();
        // Walks over a big store leave their garbage in gen2, which an idle workstation GC keeps resident.
        builder.Services.AddSingleton<HeapTrimmer>();
        builder.Services.AddHostedService(static services => services.GetRequiredService<HeapTrimmer>());

        // After metrics, so the read-through counters keep counting the peers alone; the cache counts its own hits.
        // Registered last of the content sources: asked after the store and the peers.
        if (upstream is not null)
        {
            if (replication is not null) builder.Services.AddSingleton<IUplinkPeers, ReplicationUplinkPeers>();
            builder.Services.AddUpstreamCache(upstream with { MaxManifestBytes = maxManifestBytes });
        }
        builder.Services.AddHealth();

        // Options' start-up validator runs ValidateOnStart checks; edgereg registers none (ServeSettingsResolver
        // validated every setting before the host exists), so it would only build its options types for nothing.
        builder.Services.RemoveAll<IStartupValidator>();
        var app = builder.Build();
        // First: it tells the rejection rewriter (RejectionBodies.Wrap) when a request is in the application.
        app.UseRejectionBodies();
        // What the scrub steps aside for: every registry request while it is handled.
        app.UseClientTraffic();

        if (settings.AccessLog)
        {
            app.UseAccessLog();
        }

        app.UseMetrics();
        app.UseHealth();
        if (statusChannel)
        {
            app.UseStatusChannel();
        }

        if (replication is not null)
        {
            // Peer-only API first: its paths are outside /v2, and it must never fall through to read-through.
            app.UseReplicationEndpoints();
            // The members' questions to the owner of a digest's uplink fetch (only with a cache configured).
            if (upstream is not null) app.UseUplinkEndpoints();
        }

        app.UseDistributionApi();
        return app;
    }

    /// <summary>
    /// Opens the store (layout creation and crash recovery) before any listener exists, so clients never
    /// reach a registry whose store is still recovering or failed to open.
    /// </summary>
    public static IRegistryStore OpenStore(WebApplication app)
    {
        var store = app.Services.GetRequiredService<IRegistryStore>();
        FileSystemWarning.Log(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FileSystemWarning).FullName!), store.Root);
        app.Services.PrepareReplication();
        // The walks of the start-up leave their garbage in gen2: given back now, and the trimmer measures later growth
        // from the heap that is left. A clustered node's inventory walk runs in the background after listening
        // (InventoryBuildService); it is given back once that walk completes (a clustered node with 100 k objects
        // idled at ~200 MB instead of ~100 without it).
        var trimmer = app.Services.GetRequiredService<HeapTrimmer>();
        trimmer.TrimNow();
        if (app.Services.GetService<InventoryBuild>() is { } build)
        {
            _ = build.Completion.ContinueWith(static (_, state) => ((HeapTrimmer)state!).TrimNow(), trimmer,
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
        return store;
    }
}
