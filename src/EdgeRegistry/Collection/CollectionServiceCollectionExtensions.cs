using EdgeRegistry.Storage.Collection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Collection;

/// <summary>Registers the agent's garbage collection: one <see cref="CollectionService"/>, also as <see cref="IGarbageCollection"/>.</summary>
internal static class CollectionServiceCollectionExtensions
{
    public static IServiceCollection AddGarbageCollection(this IServiceCollection services, CollectionSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(settings);
        services.TryAddSingleton<CollectionService>();
        services.TryAddSingleton<IGarbageCollection>(provider => provider.GetRequiredService<CollectionService>());
        services.AddHostedService(provider => provider.GetRequiredService<CollectionService>());
        return services;
    }
}
