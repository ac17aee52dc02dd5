using EdgeRegistry.Storage;

namespace EdgeRegistry.Hosting;

/// <summary>
/// One bounded health probe of the store, shared by the watchdog and <c>/healthz</c>: a probe that does not
/// answer within <see cref="Timeout"/> counts as unhealthy, because a hung mount must not look healthy.
/// </summary>
internal static class StoreProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <param name="timeout">Shorter than <see cref="Timeout"/> where the caller itself must answer in time (a status request).</param>
    public static async Task<StoreHealth> RunAsync(IRegistryStore store, TimeSpan? timeout = null)
    {
        var bound = timeout ?? Timeout;
        var probe = Task.Run(store.CheckHealth);
        var finished = await Task.WhenAny(probe, Task.Delay(bound)).ConfigureAwait(false);
        return finished == probe
            ? await probe.ConfigureAwait(false)
            : new StoreHealth(StoreHealthState.Unhealthy, $"the store did not answer within {bound.TotalSeconds:0} s");
    }
}
