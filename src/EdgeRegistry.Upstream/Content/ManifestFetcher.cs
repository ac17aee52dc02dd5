using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Upstream.Client;
using EdgeRegistry.Upstream.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// Manifests from an upstream: the current digest of a tag (HEAD) and a manifest's bytes (GET), bounded in size,
/// digest-checked against what was asked for and what the upstream claims. The store verifies and parses again
/// when the bytes are imported.
/// </summary>
internal sealed partial class ManifestFetcher(long maxManifestBytes, ILogger logger)
{
    private static readonly string[] Accepted =
    [
        ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest, ManifestMediaTypes.DockerManifestList, ManifestMediaTypes.DockerManifest,
    ];

    /// <summary>The digest the upstream's tag (or digest) points at, or null when it is not there or cannot be asked.</summary>
    public async Task<Digest?> HeadAsync(UpstreamClient client, UpstreamTarget target, string reference, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(() => Request(HttpMethod.Head, target, reference), target.Repository, cancellationToken, timeout)
            .ConfigureAwait(false);
        if (response is null || response.StatusCode != HttpStatusCode.OK) return null;
        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var digest)
            ? digest
            : null;
    }

    /// <summary>The manifest's digest and bytes, or null (not there, unreachable, too large, or bytes that do not match).</summary>
    public async Task<(Digest Digest, byte[] Content)?> GetAsync(UpstreamClient client, UpstreamTarget target, string reference, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(() => Request(HttpMethod.Get, target, reference), target.Repository, cancellationToken).ConfigureAwait(false);
        if (response is null || response.StatusCode != HttpStatusCode.OK) return null;
        if (response.Content.Headers.ContentLength is long announced && announced > maxManifestBytes)
        {
            LogRefused(logger, target.ToString(), reference, $"it is {announced} bytes, above the {maxManifestBytes}-byte limit");
            return null;
        }
        byte[] content;
        try
        {
            content = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
        {
            LogRefused(logger, target.ToString(), reference, $"reading it failed: {e.Message}");
            return null;
        }
        if (content.Length > maxManifestBytes)
        {
            LogRefused(logger, target.ToString(), reference, $"it is above the {maxManifestBytes}-byte limit");
            return null;
        }
        var digest = Digest.TryParse(reference, out var asked) ? asked : ContentHasher.Compute(DigestAlgorithm.Sha256, content);
        if (ContentHasher.Compute(digest.Algorithm, content) != digest)
        {
            LogRefused(logger, target.ToString(), reference, $"its bytes do not match {digest}");
            return null;
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed) && Digest.TryParse(claimed.FirstOrDefault(), out var claim)
            && claim.Algorithm == digest.Algorithm && claim != digest)
        {
            LogRefused(logger, target.ToString(), reference, $"it claims {claim} for bytes that are {digest}");
            return null;
        }
        return (digest, content);
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(UpstreamClient.RequestTimeout);
        await using var stream = await content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxManifestBytes) break; // the caller refuses it; reading on would only fill memory
        }
        return buffer.ToArray();
    }

    private static HttpRequestMessage Request(HttpMethod method, UpstreamTarget target, string reference)
    {
        var request = new HttpRequestMessage(method, $"v2/{target.Repository}/manifests/{reference}");
        foreach (var type in Accepted) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        return request;
    }

    [LoggerMessage(EventId = 5030, Level = LogLevel.Error, Message = "Refused manifest {Reference} from upstream {Target}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string target, string reference, string problem);
}
