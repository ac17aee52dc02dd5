using EdgeRegistry.Storage;

namespace EdgeRegistry.Hosting;

/// <summary>
/// One bounded health probe of the store, shared by the watchdog and <c>/healthz</c>: a probe that does not
/// answer within <see cref="Timeout"/> counts as unhealthy, because a hung mount must not look healthy.
/// </summary>
internal static class StoreProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<StoreHealth> RunAsync(IRegistryStore store)
    {
        var probe = Task.Run(store.CheckHealth);
        var finished = await Task.WhenAny(probe, Task.Delay(Timeout)).ConfigureAwait(false);
        return finished == probe
            ? await probe.ConfigureAwait(false)
            : new StoreHealth(StoreHealthState.Unhealthy, $"the store did not answer within {Timeout.TotalSeconds:0} s");
    }
}
