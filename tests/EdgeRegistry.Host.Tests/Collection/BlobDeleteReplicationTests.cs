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

/// <summary>A blob DELETE on one of three real in-process nodes travels as a tombstone and sticks everywhere.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BlobDeleteReplicationTests : IDisposable
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("apps/deleted-blob");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DeleteBlob_OnSecondNode_UnlinkedOnAllThreeAndNeverFetchedBack()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = Enumerable.Range(0, 3).Select(cluster.Settings).ToList();
        await StoreContent.PushImageAsync(RegistryStore.Open(settings[0].Root), Repository.Value, "v1", "doomed");
        var layer = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes("layer of doomed")));
        var links = settings.Select(s => new StorePaths(s.Root).LayerLink(Repository, layer)).ToList();

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        await using var c = await InProcessCluster.StartAsync(settings[2]);
        await Poll.UntilAsync(() => links.All(File.Exists), () => "the layer to reach all three stores");

        using (var deleting = cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var response = await deleting.DeleteAsync($"/v2/{Repository}/blobs/{layer}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        await Poll.UntilAsync(() => !links.Any(File.Exists), () => "the delete to unlink the layer on all three nodes; still linked: " + string.Join(", ", links.Where(File.Exists)) + " tombstones: " + string.Join(",", settings.Select(s => HasTombstone(s.Root, layer))));

        // Every node still holds the bytes (GC reclaims them), but none serves or fetches back the deleted link.
        for (int node = 0; node < 3; node++)
        {
            using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
            using var get = await http.GetAsync($"/v2/{Repository}/blobs/{layer}");
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.False(File.Exists(links[node]), $"node {node + 1} linked the deleted blob again");
        }
        // The tombstone is durable: recorded beside each store, so a restart does not resurrect the link.
        foreach (var s in settings) Assert.True(HasTombstone(s.Root, layer), $"no durable tombstone in {s.Root}");
    }

    /// <summary>Reads the blob's version record straight from disk, without opening (and recovering) a live node's store.</summary>
    private static bool HasTombstone(string root, Digest digest)
    {
        string file = new StorePaths(root).BlobVersion(Repository, digest);
        return File.Exists(file) && File.ReadAllText(file).TrimEnd().EndsWith(" -", StringComparison.Ordinal);
    }
}
