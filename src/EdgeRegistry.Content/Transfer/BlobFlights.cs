using System.Collections.Concurrent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Content.Transfer;

/// <summary>The flights under way, by digest; a flight leaves the table just before it completes.</summary>
public sealed class BlobFlights
{
    private readonly ConcurrentDictionary<Digest, BlobFlight> _flights = new();

    /// <summary>The flight for the digest: an existing one (<paramref name="lead"/> false), or a new one this caller drives.</summary>
    public BlobFlight Join(Digest digest, bool clientDriven, out bool lead)
    {
        var created = new BlobFlight(digest, clientDriven, f => _flights.TryRemove(new KeyValuePair<Digest, BlobFlight>(f.Digest, f)));
        var flight = _flights.GetOrAdd(digest, created);
        lead = ReferenceEquals(flight, created);
        return flight;
    }

    public BlobFlight? Find(Digest digest) => _flights.TryGetValue(digest, out var flight) ? flight : null;
}
