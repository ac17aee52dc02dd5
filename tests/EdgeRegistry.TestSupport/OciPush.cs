using System.Net;
using System.Net.Http.Headers;

namespace EdgeRegistry.TestSupport;

/// <summary>
/// Pushes content over the distribution API the shortest way a client may: one monolithic POST per blob, one PUT
/// per manifest. The client's BaseAddress is the registry; each step asserts the 201 the spec prescribes.
/// </summary>
public static class OciPush
{
    /// <returns>The blob's digest.</returns>
    public static async Task<string> BlobAsync(HttpClient http, string repository, byte[] blob)
    {
        var digest = Sha256Digest.Of(blob);
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"blob push answered {(int)response.StatusCode}");
        return digest;
    }

    /// <returns>The manifest's digest.</returns>
    public static async Task<string> ManifestAsync(HttpClient http, string repository, string reference, string mediaType, byte[] manifest)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PutAsync($"/v2/{repository}/manifests/{reference}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"manifest push answered {(int)response.StatusCode}");
        return Sha256Digest.Of(manifest);
    }
}
