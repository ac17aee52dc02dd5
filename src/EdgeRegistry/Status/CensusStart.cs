using EdgeRegistry.Storage;

namespace EdgeRegistry.Status;

/// <summary>
/// Starts the store census with the host, for whichever of the status channel and the metrics endpoint uses it
/// (both may; it starts once): every store write marks the counts stale, the first walk runs
/// <see cref="CachedStoreCensus.FirstWalkDelay"/> after the listeners are bound, and the census stops with the host.
/// </summary>
internal static class CensusStart
{
    public static void StartCensus(this WebApplication app)
    {
        var census = app.Services.GetRequiredService<CachedStoreCensus>();
        if (!census.TryClaimStart()) return;
        app.Services.GetRequiredService<IRegistryStore>().Changed += _ => census.MarkChanged();
        // ApplicationStarted fires once every listener is bound; the store was opened and recovered before that.
        app.Lifetime.ApplicationStarted.Register(() => census.StartAfter(CachedStoreCensus.FirstWalkDelay));
        app.Lifetime.ApplicationStopping.Register(census.Dispose);
    }
}
