using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// Pushes generated images to a registry with skopeo and pulls them back into fresh `oci:` directories,
/// asserting that the manifest digest and the set of blob digests are exactly what was generated.
/// </summary>
internal sealed class RoundTrip(Skopeo skopeo, TempDirectory scratch)
{
    /// <summary>Shared by every instance: round trips run at once on one scratch directory (one per node) must not share a pull directory.</summary>
    private static int _directories;

    public async Task PushAsync(string registryHost, string repository, string tag, GeneratedImage image, string? credentials = null)
    {
        var source = NewDirectory("push");
        OciLayoutWriter.Write(source, tag, image);
        (await skopeo.CopyAsync($"oci:{source}:{tag}", $"docker://{registryHost}/{repository}:{tag}", destinationCredentials: credentials))
            .EnsureSuccess();
    }

    public async Task PushAsync(string registryHost, string repository, string tag, GeneratedIndex index)
    {
        var source = NewDirectory("push");
        OciLayoutWriter.Write(source, tag, index);
        (await skopeo.CopyAsync($"oci:{source}:{tag}", $"docker://{registryHost}/{repository}:{tag}", all: true)).EnsureSuccess();
    }

    public async Task AssertPullsBackAsync(string registryHost, string repository, string tag, GeneratedImage image) =>
        AssertSame(image.Manifest.Digest, image.AllObjects, await PullAsync(registryHost, repository, tag, all: false));

    public async Task AssertPullsBackAsync(string registryHost, string repository, string tag, GeneratedIndex index) =>
        AssertSame(index.Index.Digest, index.AllObjects, await PullAsync(registryHost, repository, tag, all: true));

    private async Task<OciLayoutContents> PullAsync(string registryHost, string repository, string tag, bool all)
    {
        var target = NewDirectory("pull");
        (await skopeo.CopyAsync($"docker://{registryHost}/{repository}:{tag}", $"oci:{target}:{tag}", all)).EnsureSuccess();
        return OciLayoutContents.Read(target, tag);
    }

    private static void AssertSame(string expectedRoot, IEnumerable<OciBlob> expectedObjects, OciLayoutContents pulled)
    {
        Assert.Equal(expectedRoot, pulled.RootDigest);
        Assert.Equal(
            expectedObjects.Select(blob => blob.Digest).Distinct().Order(StringComparer.Ordinal),
            pulled.BlobDigests.Order(StringComparer.Ordinal));
    }

    private string NewDirectory(string purpose)
    {
        var directory = scratch.Combine($"{purpose}-{Interlocked.Increment(ref _directories)}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
