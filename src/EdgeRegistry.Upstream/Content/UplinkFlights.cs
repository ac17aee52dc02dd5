using System.Collections.Concurrent;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// One request over the uplink per key at a time on this node: clients (and members asking through this node) that
/// miss the same manifest, or check the same blob, at once share the first one's request instead of each crossing the
/// uplink. The request runs without any client's cancellation (each of its steps is bounded); a client that leaves
/// only stops waiting.
/// </summary>
internal sealed class UplinkFlights<TKey, TResult>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _flights = new();

    public Task<TResult> RunAsync(TKey key, Func<Task<TResult>> fetch, CancellationToken cancellationToken)
    {
        var created = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _flights.GetOrAdd(key, created.Task);
        if (ReferenceEquals(flight, created.Task)) _ = DriveAsync(key, created, fetch);
        return flight.WaitAsync(cancellationToken);
    }

    private async Task DriveAsync(TKey key, TaskCompletionSource<TResult> flight, Func<Task<TResult>> fetch)
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
            // Gone before the next miss: a later request (after a 404, or a tag that moved) asks afresh.
            _flights.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, flight.Task));
        }
    }
}
