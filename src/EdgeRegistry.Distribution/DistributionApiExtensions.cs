using EdgeRegistry.Content;
using EdgeRegistry.Distribution.Access;
using EdgeRegistry.Distribution.Handlers;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution;

/// <summary>Wiring of the distribution API. The host registers <see cref="IRegistryStore"/> itself.</summary>
public static class DistributionApiExtensions
{
    public static IServiceCollection AddDistributionApi(this IServiceCollection services, DistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxManifestBytes <= 0)
            throw new ArgumentException($"MaxManifestBytes must be positive, not {options.MaxManifestBytes}", nameof(options));

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new WriteAccess(options,
            options.CredentialsFile is { Length: > 0 } file
                ? new CredentialStore(file, sp.GetRequiredService<TimeProvider>(), Logger(sp, "EdgeRegistry.Distribution.Access"))
                : null,
            Logger(sp, "EdgeRegistry.Distribution.Access")));
        services.AddSingleton(sp => new ContentSources(sp.GetServices<IContentSource>(), sp.GetRequiredService<IRegistryStore>()));
        services.AddSingleton(sp => new BlobHandler(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<ContentSources>(), Logger(sp, "EdgeRegistry.Distribution.Blobs")));
        services.AddSingleton(sp => new UploadHandler(sp.GetRequiredService<IRegistryStore>(), Logger(sp, "EdgeRegistry.Distribution.Uploads")));
        services.AddSingleton(sp => new QuarantinedBlobs(sp.GetRequiredService<IRegistryStore>()));
        services.AddSingleton(sp => new ManifestHandler(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<ContentSources>(),
            sp.GetRequiredService<QuarantinedBlobs>(), options, Logger(sp, "EdgeRegistry.Distribution.Manifests")));
        services.AddSingleton(sp => new ListingHandler(sp.GetRequiredService<IRegistryStore>()));
        services.AddSingleton<RegistryDispatcher>();
        return services;
    }

    /// <summary>Answers everything under <c>/v2</c>; other paths go on to the rest of the pipeline.</summary>
    public static IApplicationBuilder UseDistributionApi(this IApplicationBuilder app)
    {
        var dispatcher = app.ApplicationServices.GetRequiredService<RegistryDispatcher>();
        return app.Use(next => context => dispatcher.InvokeAsync(context, next));
    }

    private static ILogger Logger(IServiceProvider services, string category) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
}
