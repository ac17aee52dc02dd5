using System.Text;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Registry;

public sealed class SkopeoInspectTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task InspectRaw_ByTagAndByDigest_ReturnsPushedManifestBytes()
    {
        using var temp = new TempDirectory("inspect");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var roundTrip = new RoundTrip(skopeo, temp);
        var image = TestImages.Image("inspect-image");
        var index = TestImages.Index("inspect-index");
        await roundTrip.PushAsync(server.Host, "inspect/image", "v1", image);
        await roundTrip.PushAsync(server.Host, "inspect/index", "v1", index);

        AssertRaw(image.Manifest, await skopeo.InspectRawAsync($"docker://{server.Host}/inspect/image:v1"));
        AssertRaw(image.Manifest, await skopeo.InspectRawAsync($"docker://{server.Host}/inspect/image@{image.Manifest.Digest}"));
        AssertRaw(index.Index, await skopeo.InspectRawAsync($"docker://{server.Host}/inspect/index:v1"));
        AssertRaw(index.Index, await skopeo.InspectRawAsync($"docker://{server.Host}/inspect/index@{index.Index.Digest}"));
    }

    private static void AssertRaw(OciBlob expected, ProcessResult result)
    {
        result.EnsureSuccess();
        // skopeo prints the raw bytes; the generated manifests are ASCII JSON without a trailing newline.
        Assert.Equal(Encoding.UTF8.GetString(expected.Content), result.StandardOutput.TrimEnd('\n'));
    }
}
