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

/// <summary>A client's cross-repository mount on one of three real in-process nodes reaches the others as a link.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BlobMountReplicationTests : IDisposable
{
    private static readonly RepositoryName Source = RepositoryName.Parse("apps/mount-source");
    private static readonly RepositoryName Target = RepositoryName.Parse("apps/mount-target");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task MountBlob_OnSecondNode_LinkReachesAllThreeWithoutAManifest()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = Enumerable.Range(0, 3).Select(cluster.Settings).ToList();
        await StoreContent.PushImageAsync(RegistryStore.Open(settings[0].Root), Source.Value, "v1", "mounted");
        var layer = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes("layer of mounted")));
        var sourceLinks = settings.Select(s => new StorePaths(s.Root).LayerLink(Source, layer)).ToList();
        var targetLinks = settings.Select(s => new StorePaths(s.Root).LayerLink(Target, layer)).ToList();

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        await using var c = await InProcessCluster.StartAsync(settings[2]);
        await Poll.UntilAsync(() => sourceLinks.All(File.Exists), () => "the layer to reach all three stores");

        using (var mounting = cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var response = await mounting.PostAsync($"/v2/{Target}/blobs/uploads/?mount={layer}", content: null))
        {
            using var source = await mounting.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Source}/blobs/{layer}"));
            Assert.True(response.StatusCode == HttpStatusCode.Created,
                $"mount answered {response.StatusCode}; source HEAD {source.StatusCode}; link {sourceLinks[1]} exists {File.Exists(sourceLinks[1])}; data {new StorePaths(settings[1].Root).BlobData(layer)} exists {File.Exists(new StorePaths(settings[1].Root).BlobData(layer))}");
        }
        // No manifest in the target names the layer: only the mount's own announcement can carry the link.
        await Poll.UntilAsync(() => targetLinks.All(File.Exists),
            () => "the mount's link to reach all three nodes; linked: " + string.Join(", ", targetLinks.Where(File.Exists)));
        for (int node = 0; node < 3; node++)
        {
            using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
            using var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Target}/blobs/{layer}");
            using var got = await http.SendAsync(head);
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        }
    }
}
