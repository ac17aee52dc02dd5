using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Upstream.Client;
using EdgeRegistry.Upstream.Routing;

namespace EdgeRegistry.Upstream.Content;

/// <summary>A blob at an upstream registry, over the uplink (authenticated, capped, counted).</summary>
internal sealed class UpstreamOrigin(UpstreamClient client, UpstreamTarget target, TokenBucket? bucket) : IBlobOrigin
{
    public string Name => target.ToString();

    public async Task<OpenedBlob?> OpenAsync(Digest digest, long from, CancellationToken cancellationToken)
    {
        var message = await client.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{target.Repository}/blobs/{digest}");
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            return request;
        }, target.Repository, cancellationToken).ConfigureAwait(false);
        if (message is null) return null;
        if (message.StatusCode == HttpStatusCode.NotFound)
        {
            message.Dispose();
            return null;
        }
        try
        {
            var content = await message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var (blob, _) = OpenedBlob.From(message, from, s => new UplinkStream(s, bucket, client.State.AddBytes), content);
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
