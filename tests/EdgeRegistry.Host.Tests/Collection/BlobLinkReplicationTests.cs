using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Host.Tests.Collection;

/// <summary>
/// A change of a blob's link made by a client on one of three real in-process nodes — a DELETE, a cross-repository
/// mount — reaches the other two, with no manifest to carry it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BlobLinkReplicationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DeleteBlob_OnSecondNode_UnlinkedOnAllThreeAndNeverFetchedBack()
    {
        var repository = RepositoryName.Parse("apps/deleted-blob");
        await using var three = await ThreeNodes.StartAsync(_temp, repository, "doomed");
        var links = three.LinksIn(repository);

        using (var deleting = three.Cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var response = await deleting.DeleteAsync($"/v2/{repository}/blobs/{three.Layer}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        await Poll.UntilAsync(() => !links.Any(File.Exists), () => "the delete to unlink the layer on all three nodes; still linked: "
            + string.Join(", ", links.Where(File.Exists)) + " tombstones: " + string.Join(",", three.Roots.Select(r => HasTombstone(r, repository, three.Layer))));

        // Every node still holds the bytes (GC reclaims them), but none serves or fetches back the deleted link.
        for (int node = 0; node < 3; node++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await three.HeadAsync(node, repository));
            Assert.False(File.Exists(links[node]), $"node {node + 1} linked the deleted blob again");
        }
        // The tombstone is durable: recorded beside each store, so a restart does not resurrect the link.
        foreach (string root in three.Roots) Assert.True(HasTombstone(root, repository, three.Layer), $"no durable tombstone in {root}");
    }

    [Fact]
    public async Task MountBlob_OnSecondNode_LinkReachesAllThreeWithoutAManifest()
    {
        var source = RepositoryName.Parse("apps/mount-source");
        var target = RepositoryName.Parse("apps/mount-target");
        await using var three = await ThreeNodes.StartAsync(_temp, source, "mounted");
        var targetLinks = three.LinksIn(target);

        using (var mounting = three.Cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var response = await mounting.PostAsync($"/v2/{target}/blobs/uploads/?mount={three.Layer}&from={source}", content: null))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        // No manifest in the target names the layer: only the mount's own announcement can carry the link.
        await Poll.UntilAsync(() => targetLinks.All(File.Exists),
            () => "the mount's link to reach all three nodes; linked: " + string.Join(", ", targetLinks.Where(File.Exists)));
        for (int node = 0; node < 3; node++) Assert.Equal(HttpStatusCode.OK, await three.HeadAsync(node, target));
    }

    /// <summary>Reads the blob's version record straight from disk, without opening (and recovering) a live node's store.</summary>
    private static bool HasTombstone(string root, RepositoryName repository, Digest digest)
    {
        string file = new StorePaths(root).BlobVersion(repository, digest);
        return File.Exists(file) && File.ReadAllText(file).TrimEnd().EndsWith(" -", StringComparison.Ordinal);
    }

    /// <summary>Three nodes started on an image pushed to the first, once its layer is linked and held in all three stores.</summary>
    private sealed class ThreeNodes : IAsyncDisposable
    {
        private readonly List<InProcessNode> _nodes = [];

        private ThreeNodes(InProcessCluster cluster, List<string> roots, Digest layer)
        {
            Cluster = cluster;
            Roots = roots;
            Layer = layer;
        }

        public InProcessCluster Cluster { get; }

        public List<string> Roots { get; }

        /// <summary>The image's one layer ("layer of NAME").</summary>
        public Digest Layer { get; }

        public static async Task<ThreeNodes> StartAsync(TempDirectory temp, RepositoryName repository, string image)
        {
            var cluster = new InProcessCluster(temp);
            var settings = Enumerable.Range(0, 3).Select(cluster.Settings).ToList();
            await StoreContent.PushImageAsync(RegistryStore.Open(settings[0].Root), repository.Value, "v1", image);
            var layer = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes($"layer of {image}")));
            var three = new ThreeNodes(cluster, settings.Select(s => s.Root).ToList(), layer);
            try
            {
                foreach (var s in settings) three._nodes.Add(await InProcessCluster.StartAsync(s));
                // Linked AND its bytes here: a replica's manifest import links its layers before their data arrives, so a
                // link alone does not mean the node holds the layer (a mount from it would be refused until the data lands).
                var links = three.LinksIn(repository);
                var data = three.Roots.Select(root => new StorePaths(root).BlobData(layer)).ToList();
                await Poll.UntilAsync(() => links.All(File.Exists) && data.All(File.Exists), () => "the layer to reach all three stores; linked: "
                    + string.Join(", ", links.Where(File.Exists)) + "; data: " + string.Join(", ", data.Where(File.Exists)));
                return three;
            }
            catch
            {
                await three.DisposeAsync();
                throw;
            }
        }

        /// <summary>Where each node's store links the layer into <paramref name="repository"/>.</summary>
        public List<string> LinksIn(RepositoryName repository) =>
            Roots.Select(root => new StorePaths(root).LayerLink(repository, Layer)).ToList();

        public async Task<HttpStatusCode> HeadAsync(int node, RepositoryName repository)
        {
            using var http = Cluster.Client(node, TimeSpan.FromSeconds(10));
            using var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{Layer}");
            using var got = await http.SendAsync(head);
            return got.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            // Stopped last first, as the `await using` declarations they replace did.
            for (int i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync();
        }
    }
}
