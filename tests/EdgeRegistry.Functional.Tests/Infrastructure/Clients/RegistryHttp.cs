using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// A raw OCI distribution API client for what skopeo does not expose: chunked uploads with explicit
/// Content-Range, streamed monolithic uploads, tags/list paging and status-code checks.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    private readonly HttpClient _client;

    public RegistryHttp(Uri baseAddress, string? basicCredentials = null)
    {
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TestTimeouts.HttpRequest };
        if (basicCredentials is not null)
        {
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basicCredentials)));
        }
    }

    /// <summary>POST, then PATCH chunks of <paramref name="chunkBytes"/> with Content-Range, then PUT ?digest=.</summary>
    public async Task PushBlobChunkedAsync(string repository, byte[] content, int chunkBytes, CancellationToken cancellation = default)
    {
        var location = await StartUploadAsync(repository, cancellation);
        for (var offset = 0; offset < content.Length; offset += chunkBytes)
        {
            var length = Math.Min(chunkBytes, content.Length - offset);
            using var patch = new HttpRequestMessage(HttpMethod.Patch, location)
            {
                Content = new ByteArrayContent(content, offset, length),
            };
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var response = await _client.SendAsync(patch, cancellation);
            await ExpectAsync(response, HttpStatusCode.Accepted, $"PATCH chunk at {offset}");
            location = NextLocation(response);
        }

        await CompleteUploadAsync(location, Sha256Digest.Of(content), content: null, cancellation);
    }

    /// <summary>POST, then one PUT ?digest= whose body is streamed from <paramref name="content"/> (never buffered).</summary>
    public async Task PushBlobStreamedAsync(string repository, Stream content, string digest, CancellationToken cancellation = default)
    {
        var location = await StartUploadAsync(repository, cancellation);
        await CompleteUploadAsync(location, digest, new StreamContent(content, 1024 * 1024), cancellation);
    }

    public async Task PutManifestAsync(string repository, string reference, OciBlob manifest, CancellationToken cancellation = default)
    {
        using var response = await PutManifestRawAsync(repository, reference, manifest, cancellation);
        await ExpectAsync(response, HttpStatusCode.Created, $"PUT manifest {repository}:{reference}");
    }

    public async Task<HttpResponseMessage> PutManifestRawAsync(string repository, string reference, OciBlob manifest, CancellationToken cancellation = default)
    {
        var content = new ByteArrayContent(manifest.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        return await _client.PutAsync($"/v2/{repository}/manifests/{reference}", content, cancellation);
    }

    public async Task<HttpResponseMessage> PostUploadRawAsync(string repository) =>
        await _client.PostAsync($"/v2/{repository}/blobs/uploads/", content: null);

    /// <summary>GET a manifest, accepting every manifest media type the generated images use.</summary>
    public async Task<HttpResponseMessage> GetManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
        request.Headers.Accept.ParseAdd(MediaTypes.ImageManifest);
        request.Headers.Accept.ParseAdd(MediaTypes.ImageIndex);
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.list.v2+json");
        return await _client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetBlobAsync(string repository, string digest) =>
        await _client.GetAsync($"/v2/{repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);

    public async Task<HttpResponseMessage> HeadBlobAsync(string repository, string digest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}");
        return await _client.SendAsync(request);
    }

    /// <summary>One page of GET /v2/NAME/tags/list: the tags and the Link header's target, if any.</summary>
    public async Task<(IReadOnlyList<string> Tags, string? NextLink)> TagsPageAsync(string pathAndQuery)
    {
        using var response = await _client.GetAsync(pathAndQuery);
        await ExpectAsync(response, HttpStatusCode.OK, $"GET {pathAndQuery}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var tags = body.RootElement.TryGetProperty("tags", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(tag => tag.GetString()!).ToList()
            : [];
        string? next = null;
        if (response.Headers.TryGetValues("Link", out var links))
        {
            // RFC 8288 form the spec uses: <url>; rel="next"
            var link = links.Single();
            Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);
            next = link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)];
        }

        return (tags, next);
    }

    private async Task<Uri> StartUploadAsync(string repository, CancellationToken cancellation)
    {
        using var response = await _client.PostAsync($"/v2/{repository}/blobs/uploads/", content: null, cancellation);
        await ExpectAsync(response, HttpStatusCode.Accepted, $"POST upload to {repository}");
        return NextLocation(response);
    }

    private async Task CompleteUploadAsync(Uri location, string digest, HttpContent? content, CancellationToken cancellation)
    {
        var separator = location.OriginalString.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var target = new Uri(location.OriginalString + separator + "digest=" + Uri.EscapeDataString(digest), UriKind.RelativeOrAbsolute);
        using var put = new HttpRequestMessage(HttpMethod.Put, target) { Content = content ?? new ByteArrayContent([]) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _client.SendAsync(put, cancellation);
        await ExpectAsync(response, HttpStatusCode.Created, $"PUT upload completion for {digest}");
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    private static Uri NextLocation(HttpResponseMessage response) =>
        response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered without Location");

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new Xunit.Sdk.XunitException($"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    public void Dispose() => _client.Dispose();
}
