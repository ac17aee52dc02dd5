using System.Net;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Upstream.Content;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// A manifest read through from the member that owns its uplink fetch, over that member's ordinary registry API and
/// without peer credentials (like <see cref="OwnerOrigin"/>): the owner answers from its store, or fetches the
/// manifest from the upstream once for the whole cluster, and answers 200 only when it is complete. Its bytes are
/// checked here as an upstream's are.
/// </summary>
internal sealed class OwnerManifests(HttpClient http, ManifestFetcher fetcher)
{
    /// <summary>
    /// Until the owner's headers arrive: it may be fetching the manifest and checking its blobs upstream (each of its
    /// requests bounded by <see cref="Client.UpstreamClient.RequestTimeout"/>).
    /// </summary>
    internal static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(30);

    /// <returns>
    /// <c>Answered</c>: the owner gave an HTTP answer (a 404 is the cluster's answer: the owner already asked the
    /// upstream); false when it could not be reached in time, so the caller asks the upstream itself.
    /// <c>Manifest</c>: its digest and verified bytes on a 200.
    /// </returns>
    public async Task<(bool Answered, (Digest Digest, byte[] Content)? Manifest)> GetAsync(UplinkPeer owner, string repository, string reference,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(owner.BaseAddress, $"v2/{repository}/manifests/{reference}"));
        ManifestFetcher.AddAccept(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HeadersTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (false, null); // the owner is down or stuck: the caller goes to the upstream itself
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound) return (true, null);
            // Anything else but a 200 (a 5xx from a node shutting down) is no answer about the manifest.
            if (response.StatusCode != HttpStatusCode.OK) return (false, null);
            var manifest = await fetcher.ReadAsync(response, $"member {owner.Member}", reference, cancellationToken).ConfigureAwait(false);
            return (manifest is not null, manifest);
        }
    }
}
