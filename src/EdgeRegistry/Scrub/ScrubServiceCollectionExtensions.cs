using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Scrub;

/// <summary>Registers the agent's scrub: one <see cref="ScrubService"/> and the request counter it yields to.</summary>
internal static class ScrubServiceCollectionExtensions
{
    public static IServiceCollection AddScrub(this IServiceCollection services, ScrubSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(settings);
        services.TryAddSingleton<ClientTraffic>();
        services.TryAddSingleton<ScrubService>();
        services.AddHostedService(provider => provider.GetRequiredService<ScrubService>());
        return services;
    }
}
