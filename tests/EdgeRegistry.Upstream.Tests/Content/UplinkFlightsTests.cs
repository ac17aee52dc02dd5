using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Upstream.Content;

namespace EdgeRegistry.Upstream.Tests.Content;

public sealed class UplinkFlightsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_ConcurrentMissesOfOneManifest_ShareOneFetchAndALeavingClientDoesNotCancelIt()
    {
        var flights = new UplinkFlights<(string, string), StoredManifest?>();
        var release = new TaskCompletionSource<StoredManifest?>(TaskCreationOptions.RunContinuationsAsynchronously);
        int fetches = 0;
        Task<StoredManifest?> Fetch()
        {
            Interlocked.Increment(ref fetches);
            return release.Task;
        }

        using var leaving = new CancellationTokenSource();
        var first = flights.RunAsync(("cache/app", "v1"), Fetch, CancellationToken.None);
        var second = flights.RunAsync(("cache/app", "v1"), Fetch, CancellationToken.None);
        var gone = flights.RunAsync(("cache/app", "v1"), Fetch, leaving.Token);
        var other = flights.RunAsync(("cache/app", "v2"), Fetch, CancellationToken.None);
        leaving.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone.WaitAsync(Bound));

        release.SetResult(null);
        await Task.WhenAll(first, second, other).WaitAsync(Bound);
        Assert.Equal(2, fetches); // v1 once for its three callers, v2 once

        // Done: the next miss (a tag that moved, a 404 retried) fetches afresh.
        await flights.RunAsync(("cache/app", "v1"), Fetch, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(3, fetches);
    }

    [Fact]
    public async Task RunAsync_FetchThrows_EveryWaiterSeesItAndTheNextMissTriesAgain()
    {
        var flights = new UplinkFlights<(string, string), StoredManifest?>();
        int fetches = 0;
        Task<StoredManifest?> Failing()
        {
            Interlocked.Increment(ref fetches);
            throw new IOException("the disk failed");
        }

        await Assert.ThrowsAsync<IOException>(() => flights.RunAsync(("cache/app", "v1"), Failing, CancellationToken.None).WaitAsync(Bound));
        await Assert.ThrowsAsync<IOException>(() => flights.RunAsync(("cache/app", "v1"), Failing, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(2, fetches);
    }
}
