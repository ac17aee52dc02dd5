using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Pushes generated images (every platform of an index) to one cluster node with skopeo, run as a client on
/// that node so the node's loopback-only anonymous writes apply, also when it lives in a network namespace.
/// </summary>
internal sealed class ImagePusher(TempDirectory scratch)
{
    private int _directories;

    public Task<ExpectedImage> PushAsync(ClusterNode node, string repository, string tag, GeneratedImage image) =>
        PushAsync(node, repository, tag, directory => OciLayoutWriter.Write(directory, tag, image), ExpectedImage.Of(repository, tag, image));

    public Task<ExpectedImage> PushAsync(ClusterNode node, string repository, string tag, GeneratedIndex index) =>
        PushAsync(node, repository, tag, directory => OciLayoutWriter.Write(directory, tag, index), ExpectedImage.Of(repository, tag, index));

    private async Task<ExpectedImage> PushAsync(ClusterNode node, string repository, string tag, Action<string> write, ExpectedImage expected)
    {
        var number = Interlocked.Increment(ref _directories);
        var source = scratch.Sub($"push-{number}");
        write(source);
        var skopeo = new Skopeo(scratch.Sub($"skopeo-push-{number}"), launchPrefix: node.LaunchPrefix);
        (await skopeo.RunAsync(["copy", "--all", "--dest-tls-verify=false", $"oci:{source}:{tag}", $"docker://{node.LocalHost}/{repository}:{tag}"]))
            .EnsureSuccess();
        return expected;
    }
}
