namespace EdgeRegistry.Scrub;

/// <summary>
/// Counts the registry API requests in flight (clients' and peers', not the status socket's), so the scrub can step
/// aside while the node serves: its reads share the disk with every pull. One interlocked add each way per request.
/// </summary>
internal sealed class ClientTraffic
{
    private int _active;

    public bool Busy => Volatile.Read(ref _active) > 0;

    public void Enter() => Interlocked.Increment(ref _active);

    public void Exit() => Interlocked.Decrement(ref _active);
}

internal static class ClientTrafficMiddleware
{
    /// <summary>Counts every request on the registry's TCP listeners while the rest of the pipeline handles it.</summary>
    public static IApplicationBuilder UseClientTraffic(this IApplicationBuilder app)
    {
        var traffic = app.ApplicationServices.GetRequiredService<ClientTraffic>();
        return app.Use(async (context, next) =>
        {
            if (Status.StatusEndpoint.ArrivedOnUnixSocket(context))
            {
                await next(context);
                return;
            }
            traffic.Enter();
            try
            {
                await next(context);
            }
            finally
            {
                traffic.Exit();
            }
        });
    }
}
