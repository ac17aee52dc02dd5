using System.Net;
using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Store;

/// <summary>
/// The "nothing lost, nothing corrupt" checks: every blob file hashes to the digest its directory names,
/// and every tag resolves, through the running server, to a manifest whose referenced blobs and child
/// manifests are all present and complete.
/// </summary>
internal static class StoreIntegrity
{
    /// <param name="exceptDigest">A blob a test corrupted on purpose.</param>
    /// <param name="verified">Blobs already hashed, skipped while unchanged; what is hashed now is added.</param>
    public static void AssertEveryBlobMatchesItsDigest(DistributionLayout layout, string? exceptDigest = null, VerifiedBlobs? verified = null)
    {
        foreach (var (digest, dataPath) in layout.Blobs())
        {
            if (digest == exceptDigest || verified?.Unchanged(dataPath) == true)
            {
                continue;
            }

            var actual = Sha256Digest.OfFile(dataPath);
            Assert.True(digest == actual, $"{dataPath} holds {actual}, not {digest}: a partial or corrupt blob is visible");
            verified?.Remember(dataPath);
        }
    }

    /// <summary>
    /// No link points nowhere: every layer, revision and tag link names a digest whose blob is committed (a layer or
    /// revision link the very digest its directory is named by). A link is published only after what it names, and
    /// unlinked before it is removed, so a crash at any instant leaves none dangling.
    /// </summary>
    /// <param name="allowPendingLayerLinks">
    /// For a replica that is still converging: a manifest learned from a peer links its blobs into the repository at
    /// once, as the marker of what to fetch, and their data follows (ManifestStore.Import); such a layer link may name
    /// a blob not here yet. Revision and tag links never may.
    /// </param>
    public static void AssertNoLinkPointsNowhere(DistributionLayout layout, bool allowPendingLayerLinks = false)
    {
        foreach (var (path, named, content) in layout.Links())
        {
            if (allowPendingLayerLinks && path.Contains($"{Path.DirectorySeparatorChar}_layers{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                Assert.True(content == named, $"{path} holds \"{content}\", not the {named} its directory names");
                continue;
            }

            Assert.True(named is null || content == named, $"{path} holds \"{content}\", not the {named} its directory names");
            var (algorithm, hex) = content.IndexOf(':') is var colon and > 0 ? (content[..colon], content[(colon + 1)..]) : ("", "");
            Assert.True((algorithm, hex.Length) is ("sha256", 64) or ("sha512", 128) && hex.All(Uri.IsHexDigit),
                $"{path} holds \"{content}\", not a digest: a torn link");
            var data = Path.Combine(Path.GetDirectoryName(layout.BlobsDirectory)!, algorithm, hex[..2], hex, "data");
            Assert.True(File.Exists(data), $"{path} names {content}, but {data} does not exist: a link points nowhere");
        }
    }

    /// <returns>How many tags were checked.</returns>
    public static async Task<int> AssertEveryTagResolvesCompletelyAsync(DistributionLayout layout, RegistryHttp http)
    {
        var checkedTags = 0;
        // A few tags at a time: a drill leaves hundreds, and one request after another waits on the round trips more
        // than on either side's CPU.
        await Parallel.ForEachAsync(layout.Tags().ToList(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (entry, _) =>
        {
            var (repository, tag, digest) = entry;
            var manifestDigest = await AssertManifestCompleteAsync(http, layout, repository, tag);
            Assert.True(manifestDigest == digest, $"{repository}:{tag} served {manifestDigest} but its link names {digest}");
            Interlocked.Increment(ref checkedTags);
        });

        return checkedTags;
    }

    private static async Task<string> AssertManifestCompleteAsync(RegistryHttp http, DistributionLayout layout, string repository, string reference)
    {
        using var response = await http.GetManifestAsync(repository, reference);
        await RegistryHttp.ExpectAsync(response, HttpStatusCode.OK, $"GET manifest {repository}:{reference}");
        var body = await response.Content.ReadAsByteArrayAsync();
        var digest = Sha256Digest.Of(body);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());

        using var manifest = JsonDocument.Parse(body);
        var root = manifest.RootElement;
        if (root.TryGetProperty("manifests", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                await AssertManifestCompleteAsync(http, layout, repository, child.GetProperty("digest").GetString()!);
            }
        }

        var blobs = root.TryGetProperty("layers", out var layers) ? layers.EnumerateArray().ToList() : [];
        if (root.TryGetProperty("config", out var config))
        {
            blobs.Add(config);
        }

        foreach (var descriptor in blobs)
        {
            var blobDigest = descriptor.GetProperty("digest").GetString()!;
            var size = descriptor.GetProperty("size").GetInt64();
            using var head = await http.HeadBlobAsync(repository, blobDigest);
            await RegistryHttp.ExpectAsync(head, HttpStatusCode.OK, $"HEAD blob {blobDigest} of {repository}:{reference}");
            Assert.Equal(size, head.Content.Headers.ContentLength);
            var data = layout.BlobData(blobDigest);
            Assert.True(File.Exists(data), $"{repository}:{reference} references {blobDigest} but {data} is missing");
            Assert.Equal(size, new FileInfo(data).Length);
        }

        return digest;
    }
}
