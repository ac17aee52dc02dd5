using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Podman;

/// <summary>
/// podman unpacks layers through containers/storage as CRI-O does, verifying every layer digest and the
/// config's diff_ids: the closest stand-in for a node's kubelet pulling from its local registry.
/// </summary>
public sealed class PodmanPullTests(ITestOutputHelper output)
{
    [PodmanFact]
    public async Task Pull_ImagePushedBySkopeo_PodmanStoresSameDigestAndUnpacksLayers()
    {
        using var temp = new TempDirectory("podman");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var image = TestImages.Image("podman-image", layerCount: 3);
        await new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp).PushAsync(server.Host, "podman/repo", "v1", image);
        var podman = new Infrastructure.Clients.Podman(temp.Sub("podman"));
        var reference = $"{server.Host}/podman/repo:v1";

        (await podman.PullAsync(reference)).EnsureSuccess();

        var digest = (await podman.ImageDigestAsync(reference)).EnsureSuccess().StandardOutput.Trim();
        Assert.Equal(image.Manifest.Digest, digest);
        var mountPoint = (await podman.MountAsync(reference)).EnsureSuccess().StandardOutput.Trim();
        for (var i = 0; i < image.Layers.Count; i++)
        {
            Assert.True(File.Exists(Path.Combine(mountPoint, "podman-image", $"layer-{i}.bin")), $"layer {i} was not unpacked under {mountPoint}");
        }
    }
}
