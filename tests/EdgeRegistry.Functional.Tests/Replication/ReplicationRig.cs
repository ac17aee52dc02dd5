using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// What every replication test needs: a three-node cluster in a temp directory, skopeo to push to one node and
/// pull from another, and bounded waits on what the stores hold on disk.
/// </summary>
internal sealed class ReplicationRig : IAsyncDisposable
{
    /// <summary>Full replicas of a few small images: feeds are polled every second, so this is generous.</summary>
    public static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private readonly ImagePusher _pushes;

    private ReplicationRig(TempDirectory temp, ThreeNodeCluster cluster)
    {
        Temp = temp;
        Cluster = cluster;
        _pushes = new ImagePusher(temp);
        Puller = new ImagePuller(new Skopeo(temp.Sub("skopeo-pull")).RunAsync, temp);
    }

    public TempDirectory Temp { get; }

    public ThreeNodeCluster Cluster { get; }

    public ImagePuller Puller { get; }

    /// <summary>Starts the loopback rig (127.0.0.1, .2, .3).</summary>
    /// <param name="withUsers">Pushes need a user of the node's credentials file (see <see cref="ThreeNodeCluster.OnLoopback"/>).</param>
    public static async Task<ReplicationRig> StartOnLoopbackAsync(ITestOutputHelper output, IReadOnlyList<string>? extraArguments = null,
        bool withUsers = false)
    {
        var temp = new TempDirectory("replication");
        var rig = new ReplicationRig(temp, ThreeNodeCluster.OnLoopback(temp, output, extraArguments, withUsers));
        await rig.StartOrDisposeAsync();
        return rig;
    }

    /// <summary>Starts the cluster with each node inside one of the rig's network namespaces.</summary>
    public static async Task<ReplicationRig> StartInNamespacesAsync(NetworkNamespaces namespaces, ITestOutputHelper output)
    {
        var temp = new TempDirectory("partition");
        var cluster = ThreeNodeCluster.Create(temp, output, namespaces.Addresses, 5000, namespaces.LaunchPrefix);
        var rig = new ReplicationRig(temp, cluster);
        await rig.StartOrDisposeAsync();
        return rig;
    }

    public Task<ExpectedImage> PushAsync(ClusterNode node, string repository, string tag, GeneratedImage image) =>
        _pushes.PushAsync(node, repository, tag, image);

    public Task<ExpectedImage> PushAsync(ClusterNode node, string repository, string tag, GeneratedIndex index) =>
        _pushes.PushAsync(node, repository, tag, index);

    /// <summary>Pulls every image from the node by tag and by digest, asserting identical digests and blobs.</summary>
    public async Task AssertServesAsync(ClusterNode node, IEnumerable<ExpectedImage> images)
    {
        foreach (var image in images)
        {
            await Puller.AssertPullsAsync(image.TagReference(node.Host), image);
            await Puller.AssertPullsAsync(image.DigestReference(node.Host), image);
        }
    }

    /// <summary>Waits (bounded) until every given node's store holds every image on disk.</summary>
    public async Task<TimeSpan> AwaitReplicasAsync(IEnumerable<ClusterNode> nodes, IReadOnlyList<ExpectedImage> images)
    {
        var targets = nodes.ToList();
        return await Eventually.HoldsAsync(
            $"full replicas on {string.Join(", ", targets.Select(n => n.Name))}",
            Convergence,
            () => targets.SelectMany(node => images.Select(image => ReplicaInspector.Missing(node.Root, image) is { } missing
                    ? $"node {node.Name}: {missing}"
                    : null))
                .FirstOrDefault(problem => problem is not null));
    }

    private async Task StartOrDisposeAsync()
    {
        try
        {
            await Cluster.StartAllAsync();
            await Cluster.AwaitPeersSeenUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Temp.Dispose();
    }
}
