using System.IO.Abstractions;
using EdgeRegistry.Import;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Status;

/// <summary>Wires the status channel into the agent: its services, the unix-socket listener and the endpoint.</summary>
internal static class StatusChannel
{
    public static void AddStatusChannel(this WebApplicationBuilder builder, string statusSocket, string storeRoot)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentState>();
        builder.Services.TryAddSingleton<IFileSystem, FileSystem>();
        builder.Services.AddSingleton(services => new CachedStoreCensus(storeRoot, services.GetRequiredService<IFileSystem>(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<Storage.IRegistryStore>().Guard));
        builder.Services.AddSingleton(services => new StatusSocket(statusSocket, services.GetRequiredService<ILoggerFactory>().CreateLogger<StatusSocket>()));
        builder.WebHost.ConfigureKestrel(options => options.ApplicationServices.GetRequiredService<StatusSocket>().AddListener(options));
    }

    /// <summary>Adds the endpoint ahead of the distribution API; must run before the API's catch-all dispatcher.</summary>
    public static void UseStatusChannel(this WebApplication app)
    {
        var socket = app.Services.GetRequiredService<StatusSocket>();
        var state = app.Services.GetRequiredService<AgentState>();
        // ApplicationStarted fires once every listener is bound; the store was opened and recovered before that.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            socket.Restrict();
            state.MarkReady();
        });
        app.StartCensus();
        app.UseImportEndpoint();
        app.UseStatusEndpoint();
    }
}
