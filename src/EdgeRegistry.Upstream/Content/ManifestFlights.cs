using System.Collections.Concurrent;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// One fetch per manifest at a time on this node: clients (and members reading through this node) that miss the same
/// repository and reference at once share the first one's fetch instead of each crossing the uplink. The fetch runs
/// without any client's cancellation (each of its requests is bounded); a client that leaves only stops waiting.
/// </summary>
internal sealed class ManifestFlights
{
    private readonly ConcurrentDictionary<(string Repository, string Reference), Task<StoredManifest?>> _flights = new();

    public Task<StoredManifest?> RunAsync(string repository, string reference, Func<Task<StoredManifest?>> fetch, CancellationToken cancellationToken)
    {
        var key = (repository, reference);
        var created = new TaskCompletionSource<StoredManifest?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _flights.GetOrAdd(key, created.Task);
        if (ReferenceEquals(flight, created.Task)) _ = DriveAsync(key, created, fetch);
        return flight.WaitAsync(cancellationToken);
    }

    private async Task DriveAsync((string, string) key, TaskCompletionSource<StoredManifest?> flight, Func<Task<StoredManifest?>> fetch)
    {
        try
        {
            flight.TrySetResult(await Task.Run(fetch).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            flight.TrySetException(e);
        }
        finally
        {
            // Gone before the next miss: a later request (after a 404, or a tag that moved) fetches afresh.
            _flights.TryRemove(new KeyValuePair<(string, string), Task<StoredManifest?>>(key, flight.Task));
        }
    }
}
