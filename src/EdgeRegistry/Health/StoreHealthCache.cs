using EdgeRegistry.Hosting;
using EdgeRegistry.Storage;

namespace EdgeRegistry.Health;

/// <summary>
/// The store's health for <c>/healthz</c>, probed at most once per <see cref="Freshness"/>: load balancers and
/// monitoring poll every few seconds from several places, and each probe writes a file and fsyncs it. At most one
/// probe runs at a time; callers during a probe share its answer.
/// </summary>
internal sealed class StoreHealthCache(IRegistryStore store, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<StoreHealth>? _probe;
    private DateTimeOffset _probedAt;

    public Task<StoreHealth> GetAsync()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            // A finished probe is reused while fresh; a running one is always shared (it ends within the probe timeout).
            if (_probe is null || (_probe.IsCompleted && now - _probedAt >= Freshness))
            {
                _probedAt = now;
                _probe = StoreProbe.RunAsync(store);
            }

            return _probe;
        }
    }
}
