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
        return await ReadAsync(response, target.ToString(), reference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The body of a 200 answer for <paramref name="reference"/> from <paramref name="origin"/> (an upstream, or the
    /// member that fetched it for the cluster), checked like any manifest from outside: bounded, and its bytes must
    /// match the digest asked for and the digest the origin claims. Null (logged) otherwise.
    /// </summary>
    public async Task<(Digest Digest, byte[] Content)?> ReadAsync(HttpResponseMessage response, string origin, string reference, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long announced && announced > maxManifestBytes)
        {
            LogRefused(logger, origin, reference, $"it is {announced} bytes, above the {maxManifestBytes}-byte limit");
            return null;
        }
        byte[] content;
        try
        {
            content = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
        {
            LogRefused(logger, origin, reference, $"reading it failed: {e.Message}");
            return null;
        }
        if (content.Length > maxManifestBytes)
        {
            LogRefused(logger, origin, reference, $"it is above the {maxManifestBytes}-byte limit");
            return null;
        }
        var digest = Digest.TryParse(reference, out var asked) ? asked : ContentHasher.Compute(DigestAlgorithm.Sha256, content);
        if (ContentHasher.Compute(digest.Algorithm, content) != digest)
        {
            LogRefused(logger, origin, reference, $"its bytes do not match {digest}");
            return null;
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed) && Digest.TryParse(claimed.FirstOrDefault(), out var claim)
            && claim.Algorithm == digest.Algorithm && claim != digest)
        {
            LogRefused(logger, origin, reference, $"it claims {claim} for bytes that are {digest}");
            return null;
        }
        return (digest, content);
    }

    /// <summary>The media types a manifest request accepts (every kind the store holds).</summary>
    public static void AddAccept(HttpRequestMessage request)
    {
        foreach (var type in Accepted) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
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
        AddAccept(request);
        return request;
    }

    [LoggerMessage(EventId = 5030, Level = LogLevel.Error, Message = "Refused manifest {Reference} from {Origin}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string origin, string reference, string problem);
}
