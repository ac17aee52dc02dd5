using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// Talks to one peer's peer-only API, signing every request. Every answer is checked before use (digests of
/// content, shape of JSON), and every outcome updates the peer's <see cref="PeerState"/>.
/// </summary>
internal sealed class PeerClient
{
    /// <summary>Small requests (summary, feed page, HEAD, manifest) must answer quickly or count as a failure.</summary>
    private static readonly TimeSpan SmallRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A blob's answer may take long in all, but a peer on the cluster network that sends nothing at all — no headers,
    /// or no byte of the body — for this long is hung or hostile: the copy fails and the peer is backed off, so the
    /// flight of that digest moves on to another peer instead of waiting on it forever.
    /// </summary>
    public static readonly TimeSpan BlobStallTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;
    private readonly PeerAuthenticator _authenticator;
    private readonly string _self;
    private readonly long _maxManifestBytes;

    /// <param name="maxManifestBytes">Manifest bodies from peers are bounded like pushes are, by the same setting.</param>
    public PeerClient(PeerState state, HttpClient http, PeerAuthenticator authenticator, string self, bool useTls, long maxManifestBytes)
    {
        _maxManifestBytes = maxManifestBytes;
        State = state;
        _http = http;
        _authenticator = authenticator;
        _self = self;
        BaseAddress = new Uri((useTls ? "https://" : "http://") + state.Member + "/");
    }

    public PeerState State { get; }

    public Uri BaseAddress { get; }

    public async Task<InventorySummary?> GetSummaryAsync(CancellationToken cancellationToken)
    {
        using var response = await SendSmallAsync(HttpMethod.Get, "_edgereg/peer/v1/summary", cancellationToken).ConfigureAwait(false);
        if (!InventoryAnswered(response)) return null;
        return await response.Content.ReadFromJsonAsync(ReplicationJsonContext.Default.InventorySummary, cancellationToken).ConfigureAwait(false);
    }

    public async Task<FeedPage?> GetFeedAsync(string? epoch, long since, int limit, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture,
            $"_edgereg/peer/v1/feed?epoch={Uri.EscapeDataString(epoch ?? "")}&since={since}&limit={limit}");
        using var response = await SendSmallAsync(HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        if (!InventoryAnswered(response)) return null;
        return await response.Content.ReadFromJsonAsync(ReplicationJsonContext.Default.FeedPage, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the peer answered a request about its inventory (feed, summary) with success. A 503 is its
    /// <see cref="NotReadyAnswer"/>: up, but still building, which <see cref="PeerState.Building"/> records for the
    /// status and the metrics; any other failure leaves that as it was.
    /// </summary>
    private bool InventoryAnswered([NotNullWhen(true)] HttpResponseMessage? response)
    {
        if (response is null) return false;
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) State.AnsweredBuilding();
        if (!response.IsSuccessStatusCode) return false;
        State.AnsweredInventory();
        return true;
    }

    /// <summary>The peer's users and tombstones (hashes only); null when it cannot answer.</summary>
    public async Task<Users.UserTable?> GetUsersAsync(CancellationToken cancellationToken)
    {
        using var response = await SendSmallAsync(HttpMethod.Get, "_edgereg/peer/v1/users", cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccessStatusCode) return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(ReplicationJsonContext.Default.UserTable, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null; // a peer that sends garbage changes no user
        }
    }

    /// <summary>The blob's length if the peer holds it; null when it does not or cannot answer.</summary>
    public async Task<long?> HeadBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendSmallAsync(HttpMethod.Head, "_edgereg/peer/v1/blobs/" + digest, cancellationToken).ConfigureAwait(false);
        return response is { IsSuccessStatusCode: true, Content.Headers.ContentLength: long length } ? length : null;
    }

    /// <summary>
    /// Opens the blob's bytes for streaming; null when the peer does not hold it. The caller owns the response and
    /// must verify the digest of what it reads. With <paramref name="from"/> &gt; 0 only the rest is asked for (a
    /// Range request, answered 206); a peer that ignores it answers 200 with the whole blob. Throws
    /// <see cref="TimeoutException"/> when the peer sends no headers within <see cref="BlobStallTimeout"/>.
    /// </summary>
    public async Task<HttpResponseMessage?> OpenBlobAsync(Digest digest, long from, CancellationToken cancellationToken)
    {
        using var request = Sign(HttpMethod.Get, "_edgereg/peer/v1/blobs/" + digest);
        if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
        var response = await OpenStreamingAsync(request, digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (response is null || response.IsSuccessStatusCode) return response;
        response.Dispose();
        return null;
    }

    /// <summary>
    /// Opens the peer's answer to a batch of small blobs (<see cref="BlobBatchWire"/>) for reading frame by frame; null
    /// when it cannot answer. A peer that does not know the batch (404: an older version) is remembered as such
    /// (<see cref="PeerState.RefusedBatches"/>). Times out like <see cref="OpenBlobAsync"/>.
    /// </summary>
    public async Task<HttpResponseMessage?> OpenBlobBatchAsync(IReadOnlyCollection<Digest> digests, CancellationToken cancellationToken)
    {
        using var request = Sign(HttpMethod.Get, "_edgereg/peer/v1/" + BlobBatchWire.Path + BlobBatchWire.Query(digests));
        var response = await OpenStreamingAsync(request, $"a batch of {digests.Count} blobs", cancellationToken).ConfigureAwait(false);
        if (response is null || response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == BlobBatchWire.MediaType)
            return response;
        if (response.StatusCode == HttpStatusCode.NotFound) State.RefusedBatches();
        else State.Failed($"answered a blob batch with status {(int)response.StatusCode} ({response.Content.Headers.ContentType?.MediaType ?? "no type"})");
        response.Dispose();
        return null;
    }

    /// <summary>
    /// Sends a request whose body is read as it streams; the answer whatever its status, null on a transport failure.
    /// Throws <see cref="TimeoutException"/> when the peer sends no headers within <see cref="BlobStallTimeout"/>.
    /// </summary>
    private async Task<HttpResponseMessage?> OpenStreamingAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref State.InFlight);
        try
        {
            HttpResponseMessage response;
            // Bounds the wait for the headers only: the body's reads are bounded one by one (StallGuardStream).
            using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                headers.CancelAfter(BlobStallTimeout);
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    string problem = $"sent no answer for {what} within {BlobStallTimeout.TotalSeconds:0} s";
                    State.Failed(problem);
                    throw new TimeoutException(problem);
                }
            }
            State.Succeeded(Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            State.Failed(e.Message);
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref State.InFlight);
        }
    }

    /// <summary>A manifest by tag or digest from the peer's own store, verified against its digest; null when absent or invalid.</summary>
    public async Task<PeerManifest?> GetManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendSmallAsync(HttpMethod.Get, $"_edgereg/peer/v1/manifests/{repository.Value}/{reference}", cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccessStatusCode) return null;
        if (response.Content.Headers.ContentLength is not long length || length > _maxManifestBytes) return null;
        byte[] content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.Headers.TryGetValues(ContentHeaders.ContentDigest, out var digests) || !Digest.TryParse(digests.FirstOrDefault(), out var digest))
            return null;
        if (ContentHasher.Compute(digest.Algorithm, content) != digest) return null;
        if (Digest.TryParse(reference, out var requested) && requested != digest) return null;
        var manifestEntry = ParseVersion(response.Headers, PeerHeaders.ManifestVersion, v =>
            new InventoryEntry(EntryKind.Manifest, repository, null, digest, content.Length, v.Version, v.Node, false));
        var tagEntry = Digest.TryParse(reference, out _) ? null : ParseVersion(response.Headers, PeerHeaders.TagVersion, v =>
            new InventoryEntry(EntryKind.Tag, repository, reference, digest, 0, v.Version, v.Node, false));
        return new PeerManifest(digest, content, tagEntry, manifestEntry);
    }

    private static InventoryEntry? ParseVersion(HttpResponseHeaders headers, string name, Func<(long Version, string Node), InventoryEntry> create)
    {
        if (!headers.TryGetValues(name, out var values)) return null;
        string[] parts = (values.FirstOrDefault() ?? "").Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long version)
            ? create((version, parts[1]))
            : null;
    }

    private async Task<HttpResponseMessage?> SendSmallAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SmallRequestTimeout);
        var started = Stopwatch.GetTimestamp();
        using var request = Sign(method, pathAndQuery);
        Interlocked.Increment(ref State.InFlight);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                State.Failed("the peer refused our cluster credentials (different cluster secret?)");
                response.Dispose();
                return null;
            }
            State.Succeeded(Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            State.Failed(e is TaskCanceledException ? "timed out" : e.Message);
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref State.InFlight);
        }
    }

    private HttpRequestMessage Sign(HttpMethod method, string pathAndQuery)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseAddress, pathAndQuery));
        request.Headers.TryAddWithoutValidation(PeerAuthenticator.HeaderName,
            _authenticator.Sign(_self, method.Method, request.RequestUri!.PathAndQuery));
        return request;
    }
}
