using System.Diagnostics;
using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 6 (complete-or-404): containers/image takes every blob from the mirror that served the
/// manifest, so a manifest whose layer no node holds must be 404 on every node — quickly, so the client moves
/// on to its next mirror.
/// </summary>
public sealed class IncompleteManifestTests(ITestOutputHelper output)
{
    private const string Repository = "apps/incomplete";

    /// <summary>The brief's bound; a 404 from the peers' own stores takes tens of milliseconds.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(2);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task ManifestWhoseLayerNoNodeHolds_GetOnEveryNode_NotFoundWithinBound()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        // Only A may ever see the layer: B and C are down while it exists.
        await cluster.B.StopAsync();
        await cluster.C.StopAsync();
        var image = TestImages.Image("incomplete", layerCount: 2);
        using (var http = cluster.A.Http())
        {
            foreach (var blob in image.ReferencedBlobs)
            {
                await http.PushBlobChunkedAsync(Repository, blob.Content, chunkBytes: 1024 * 1024);
            }

            await http.PutManifestAsync(Repository, "v1", image.Manifest);
        }

        await cluster.A.StopAsync();
        File.Delete(new DistributionLayout(cluster.A.Root).BlobData(image.Layers[1].Digest));
        await cluster.StartAllAsync();
        await cluster.AwaitPeersSeenUpAsync();

        foreach (var node in cluster.Nodes)
        {
            using var http = node.Http();
            foreach (var reference in new[] { "v1", image.Manifest.Digest })
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetManifestAsync(Repository, reference);
                watch.Stop();
                output.WriteLine($"node {node.Name} GET {reference}: {(int)response.StatusCode} in {watch.Elapsed.TotalMilliseconds:0} ms");
                Assert.True(response.StatusCode == HttpStatusCode.NotFound,
                    $"node {node.Name} answered {(int)response.StatusCode} for {Repository}:{reference} although no node holds layer {image.Layers[1].Digest}");
                Assert.True(watch.Elapsed < AnswerBound, $"node {node.Name} took {watch.Elapsed.TotalMilliseconds:0} ms to refuse {reference}");
            }
        }
    }
}
