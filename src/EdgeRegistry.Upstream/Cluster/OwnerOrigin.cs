using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Upstream.Content;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// A blob read through from the member that owns its uplink fetch, over that member's ordinary registry API: the
/// owner answers from its store, or fetches the blob from the upstream while it streams it to us. Asked without
/// peer credentials on purpose, so the owner treats it as a client miss and goes to its upstream.
/// </summary>
internal sealed class OwnerOrigin(HttpClient http, UplinkPeer owner, string repository, Action<long> count) : IBlobOrigin
{
    /// <summary>Until the owner's headers arrive: it may itself be opening the upstream's blob (its own bounded request).</summary>
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(30);

    public string Name => $"member {owner.Member}";

    public async Task<OpenedBlob?> OpenAsync(Digest digest, long from, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(owner.BaseAddress, $"v2/{repository}/blobs/{digest}"));
        if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HeadersTimeout);
        HttpResponseMessage message;
        try
        {
            message = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            return null; // the owner is down: the caller goes to the upstream itself
        }
        if (message.StatusCode == HttpStatusCode.NotFound)
        {
            message.Dispose();
            return null;
        }
        try
        {
            var content = await message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var (blob, _) = OpenedBlob.From(message, from, s => new UplinkStream(s, null, count), content);
            if (blob is null) message.Dispose();
            return blob;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }
}
