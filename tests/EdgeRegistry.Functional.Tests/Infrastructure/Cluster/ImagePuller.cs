using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Pulls images with skopeo (every platform of an index) into fresh `oci:` directories and checks that what
/// arrived is exactly the expected image: the root digest and every blob, each verified against its digest.
/// </summary>
internal sealed class ImagePuller(Func<IEnumerable<string>, Task<ProcessResult>> runSkopeo, TempDirectory scratch)
{
    private const string LocalTag = "pulled";
    private int _directories;

    /// <summary>Pulls <paramref name="reference"/> (docker://…) and asserts it is <paramref name="image"/>.</summary>
    public async Task AssertPullsAsync(string reference, ExpectedImage image)
    {
        var target = scratch.Combine($"pull-{Interlocked.Increment(ref _directories)}");
        Directory.CreateDirectory(target);
        var result = await runSkopeo(["copy", "--all", "--src-tls-verify=false", reference, $"oci:{target}:{LocalTag}"]);
        if (!result.Succeeded)
        {
            throw new Xunit.Sdk.XunitException($"pull of {reference} failed: {result.Describe()}");
        }

        var pulled = OciLayoutContents.Read(target, LocalTag);
        Assert.True(pulled.RootDigest == image.RootDigest, $"{reference} pulled {pulled.RootDigest}, expected {image.RootDigest}");
        var expected = image.ManifestDigests.Concat(image.BlobDigests).ToHashSet();
        Assert.True(expected.SetEquals(pulled.BlobDigests),
            $"{reference} pulled blobs [{string.Join(", ", pulled.BlobDigests.Order())}], expected [{string.Join(", ", expected.Order())}]");
    }

    /// <summary>Runs skopeo copy and returns the outcome without asserting (for pulls expected to fail).</summary>
    public async Task<ProcessResult> TryPullAsync(string reference)
    {
        var target = scratch.Combine($"pull-{Interlocked.Increment(ref _directories)}");
        Directory.CreateDirectory(target);
        return await runSkopeo(["copy", "--all", "--src-tls-verify=false", reference, $"oci:{target}:{LocalTag}"]);
    }
}
