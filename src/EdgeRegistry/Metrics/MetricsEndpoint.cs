using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Content;
using EdgeRegistry.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Metrics;

/// <summary>
/// Wires metrics into the host: counts every request (route, method, status, Content-Length bytes) and answers
/// <c>GET /metrics</c> in the Prometheus text format on the registry's listeners.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Call after the content sources (replication) are registered, so their outcomes are counted.</summary>
    public static void AddMetrics(this IServiceCollection services, string storeRoot)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RequestCounters>();
        services.AddSingleton<ReadThroughCounters>();
        // The status channel registers the same census; metrics share it so store sizes are counted once per 30 s.
        services.TryAddSingleton<IFileSystem, FileSystem>();
        services.TryAddSingleton(sp => new CachedStoreCensus(storeRoot, sp.GetRequiredService<IFileSystem>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Storage.IRegistryStore>().Guard));
        services.AddSingleton<MetricsScrape>(sp => new MetricsScrape(sp));
        DecorateContentSources(services);
    }

    /// <summary>Must be the first middleware, so every answer (the peer API and errors included) is counted.</summary>
    public static void UseMetrics(this WebApplication app)
    {
        var counters = app.Services.GetRequiredService<RequestCounters>();
        var scrape = app.Services.GetRequiredService<MetricsScrape>();
        app.StartCensus();
        app.Use(next => async context =>
        {
            try
            {
                if (context.Request.Path.Equals(Path, StringComparison.Ordinal) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
                {
                    await ServeAsync(context, scrape).ConfigureAwait(false);
                }
                else
                {
                    await next(context).ConfigureAwait(false);
                }
            }
            catch
            {
                // The server turns an unhandled exception into a 500 (or an aborted connection once started).
                counters.Record(RouteClassifier.Classify(context.Request.Path.Value), context.Request.Method, StatusCodes.Status500InternalServerError, null);
                throw;
            }

            var response = context.Response;
            long? bytes = HttpMethods.IsHead(context.Request.Method) ? null : response.ContentLength;
            counters.Record(RouteClassifier.Classify(context.Request.Path.Value), context.Request.Method, response.StatusCode, bytes);
        });
    }

    private static async Task ServeAsync(HttpContext context, MetricsScrape scrape)
    {
        var body = Encoding.UTF8.GetBytes(await scrape.WriteAsync(context.RequestAborted).ConfigureAwait(false));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = PrometheusText.ContentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Wraps every registered content source in the counting decorator, keeping its place in the order and its lifetime.</summary>
    private static void DecorateContentSources(IServiceCollection services)
    {
        for (int i = 0; i < services.Count; i++)
        {
            var registered = services[i];
            if (registered.ServiceType != typeof(IContentSource) || registered.ImplementationFactory is not { } factory) continue;
            services[i] = new ServiceDescriptor(typeof(IContentSource),
                sp => new CountingContentSource((IContentSource)factory(sp), sp.GetRequiredService<ReadThroughCounters>()), registered.Lifetime);
        }
    }
}
