using System.Text;
using EdgeRegistry.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Health;

/// <summary>
/// <c>GET /healthz</c> on the registry's listeners, for load balancers and monitoring: 200 while this node serves
/// pulls, 503 when it does not, each with one line of plain text saying why. A store that still reads but cannot
/// be written (a full disk) answers 200 with <c>degraded: …</c>: every pull is still served, and taking the node out
/// of a pool would only move its clients to nodes that hold the same content. Stopping (draining after SIGTERM) and
/// a store that cannot be read answer 503. There is no "starting" answer: nothing listens before the store is open.
/// </summary>
internal static class HealthEndpoint
{
    public const string Path = "/healthz";

    public static void AddHealth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new StoreHealthCache(sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<TimeProvider>()));
    }

    public static void UseHealth(this WebApplication app)
    {
        var health = app.Services.GetRequiredService<StoreHealthCache>();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        app.Use(next => context =>
        {
            var request = context.Request;
            return request.Path.Equals(Path, StringComparison.Ordinal) && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                ? ServeAsync(context, health, stopping)
                : next(context);
        });
    }

    private static async Task ServeAsync(HttpContext context, StoreHealthCache health, CancellationToken stopping)
    {
        var (code, text) = stopping.IsCancellationRequested
            ? (StatusCodes.Status503ServiceUnavailable, "stopping: finishing in-flight requests")
            : Answer(await health.GetAsync().ConfigureAwait(false));
        var body = Encoding.UTF8.GetBytes(text + "\n");
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        // Monitoring must see the state now, never a proxy's copy.
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static (int Code, string Text) Answer(StoreHealth health) => health.State switch
    {
        StoreHealthState.Healthy => (StatusCodes.Status200OK, "ok: serving"),
        StoreHealthState.Degraded => (StatusCodes.Status200OK, $"degraded: {health.Problem}"),
        _ => (StatusCodes.Status503ServiceUnavailable, $"unhealthy: {health.Problem}"),
    };
}
