using EdgeRegistry.Upstream.Client;
using System.Text.Json;
using EdgeRegistry.Cli;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeRegistry.Status;

/// <summary>
/// <c>GET /_edgereg/status</c>, answered only to connections that arrived on the status unix socket. On the
/// registry's TCP listeners the path is left to the distribution API, which answers 404 like any unknown path;
/// on the status socket nothing but the status is served.
/// </summary>
internal static class StatusEndpoint
{
    public const string Path = "/_edgereg/status";

    public static IApplicationBuilder UseStatusEndpoint(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!ArrivedOnUnixSocket(context))
        {
            await next(context);
            return;
        }

        if (context.Request.Path == Collection.CollectionEndpoint.Path)
        {
            await Collection.CollectionEndpoint.HandleAsync(context);
            return;
        }

        if (context.Request.Path == Scrub.ScrubEndpoint.Path)
        {
            await Scrub.ScrubEndpoint.HandleAsync(context);
            return;
        }

        if (context.Request.Path != Path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        var document = await BuildAsync(context.RequestServices, context.RequestAborted);
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, document, StatusJsonContext.Default.AgentStatusDocument, context.RequestAborted);
        }
    });

    /// <summary>
    /// Kestrel does not hand the connection's endpoint objects to requests; it fills the connection's local IP
    /// address from the local endpoint when that is an IPEndPoint, so every TCP connection has one and only a
    /// unix-socket connection (the status listener is this server's only one) has none.
    /// </summary>
    internal static bool ArrivedOnUnixSocket(HttpContext context) =>
        context.Connection.LocalIpAddress is null && context.Connection.LocalPort == 0;

    private static async Task<AgentStatusDocument> BuildAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var state = services.GetRequiredService<AgentState>();
        var census = services.GetRequiredService<CachedStoreCensus>();
        var counts = await census.GetAsync(cancellationToken);
        var agent = new AgentStatus(
            VersionCommand.Version,
            Environment.ProcessId,
            state.StartedAt,
            Math.Round(state.Uptime.TotalSeconds, 3),
            RegistryAddresses(services),
            state.ReadyAt is not null,
            state.ReadyAt);
        var store = StoreStatus.From(census.Root, counts, DiskSpace.Of(census.Root));
        var peers = services.GetService<IPeerStatusSource>()?.GetPeers() ?? [];
        var gc = services.GetService<Storage.Collection.IGarbageCollection>()?.Status is { } collection ? GcStatus.From(collection) : null;
        var upstreams = services.GetService<UpstreamClients>()?.States
            .Select(static u => new UpstreamReport(u.Host, u.Reachable, u.LastContact, u.BytesFetched, u.RateLimited, u.LastError)).ToList();
        var scrub = services.GetService<Scrub.ScrubService>()?.Report();
        var inventory = services.GetService<Replication.Inventory.InventoryBuild>() is { } build
            ? InventoryReport.From(build, services.GetRequiredService<Replication.Peers.PeerReports>().LocalEntries)
            : null;
        return new AgentStatusDocument(agent, store, peers, gc, await GuardAsync(services), upstreams, scrub, inventory);
    }

    private static async Task<GuardReport> GuardAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<IRegistryStore>();
        // Bounded well inside the status client's wait, so a slow disk shows as such instead of as an agent that is down.
        var health = await Hosting.StoreProbe.RunAsync(store, TimeSpan.FromSeconds(2));
        var replication = services.GetService<Replication.ReplicationCounters>();
        return GuardReport.From(store.Guard.Snapshot(), health, replication?.WaitingForSpace ?? 0, replication?.WaitReason);
    }

    /// <summary>The registry's bound TCP addresses (port 0 resolved); the status socket itself is not one of them.</summary>
    private static string[] RegistryAddresses(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Where(address => !address.StartsWith("http://unix:", StringComparison.Ordinal))
            .ToArray() ?? [];
}
