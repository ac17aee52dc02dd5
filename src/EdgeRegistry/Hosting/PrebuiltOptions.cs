using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Registers <c>IOptions&lt;T&gt;</c> for an options type the host resolves while starting as a closed service,
/// built by a statically named <see cref="OptionsFactory{TOptions}"/>. Otherwise the container resolves it
/// through the open generic registrations (<c>UnnamedOptionsManager&lt;&gt;</c>, <c>OptionsFactory&lt;&gt;</c>,
/// <c>IEnumerable&lt;IConfigureOptions&lt;&gt;&gt;</c>, ...), and in the native-AOT binary each instantiation the
/// compiler never saw is built by the runtime type loader at start: with perf, the type loader under
/// dependency injection was a quarter of the CPU before the first request. Every configure callback
/// registered for <typeparamref name="T"/> still runs, in order, exactly as through the open generics.
/// </summary>
internal static class PrebuiltOptions
{
    public static IServiceCollection AddPrebuiltOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        this IServiceCollection services) where T : class
    {
        services.AddSingleton<IOptions<T>>(services => Options.Create(new OptionsFactory<T>(
                services.GetServices<IConfigureOptions<T>>(),
                services.GetServices<IPostConfigureOptions<T>>(),
                services.GetServices<IValidateOptions<T>>())
            .Create(Options.DefaultName)));
        return services;
    }
}
