using System.Net;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// "Does the upstream hold this blob?" asked of the member that owns the digest's uplink fetch, signed with the
/// cluster's peer credentials (<see cref="UplinkEndpoints"/> answers it): that member asks the upstream once for the
/// whole cluster and remembers the answer, so a cold pull on every node at once sends each blob HEAD over the uplink
/// once, like its GET.
/// </summary>
internal sealed class OwnerBlobHeads(HttpClient http, IUplinkPeers peers)
{
    /// <returns>
    /// <c>Answered</c>: the owner said whether the upstream holds the blob (<c>Length</c> when it does); false when the
    /// owner could not be reached in time or could not ask the upstream, so the caller asks the upstream itself.
    /// </returns>
    public async Task<(bool Answered, long? Length)> HeadAsync(UplinkPeer owner, string repository, Digest digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(owner.BaseAddress, UplinkEndpoints.BlobPath(repository, digest)));
        peers.Sign(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The owner may be asking the upstream (its own request, bounded by UpstreamClient.RequestTimeout).
        timeout.CancelAfter(OwnerManifests.HeadersTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            // Only the cache's own answer counts: a member without the endpoint (an older version during a rolling
            // upgrade, or no upstream configured) answers 404 from its distribution API, which says nothing.
            if (!response.Headers.Contains(UplinkEndpoints.AnswerHeader)) return (false, null);
            return response.StatusCode switch
            {
                HttpStatusCode.OK when response.Content.Headers.ContentLength is long length => (true, length),
                HttpStatusCode.NotFound => (true, null),
                _ => (false, null),
            };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (false, null); // the owner is down or stuck: the caller asks the upstream itself
        }
    }
}
