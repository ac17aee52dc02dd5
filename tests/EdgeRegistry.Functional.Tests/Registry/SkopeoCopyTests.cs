using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Registry;

public sealed class SkopeoCopyTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Copy_MultiLayerImageInAndOut_DigestsIdentical()
    {
        using var temp = new TempDirectory("copy-image");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        var image = TestImages.Image("copy-image", layerCount: 4);

        await roundTrip.PushAsync(server.Host, "apps/copy-image", "v1", image);
        await roundTrip.AssertPullsBackAsync(server.Host, "apps/copy-image", "v1", image);

        using var http = new RegistryHttp(server.BaseAddress);
        using var response = await http.GetManifestAsync("apps/copy-image", "v1");
        await RegistryHttp.ExpectAsync(response, HttpStatusCode.OK, "GET manifest by tag");
        Assert.Equal(image.Manifest.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(image.Manifest.Content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task CopyAll_MultiArchIndexInAndOut_DigestsIdentical()
    {
        using var temp = new TempDirectory("copy-index");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        var index = TestImages.Index("copy-index");

        await roundTrip.PushAsync(server.Host, "apps/multi", "v1", index);
        await roundTrip.AssertPullsBackAsync(server.Host, "apps/multi", "v1", index);

        using var http = new RegistryHttp(server.BaseAddress);
        foreach (var image in index.Images)
        {
            using var response = await http.GetManifestAsync("apps/multi", image.Manifest.Digest);
            await RegistryHttp.ExpectAsync(response, HttpStatusCode.OK, $"GET {image.Architecture} manifest by digest");
            Assert.Equal(image.Manifest.Content, await response.Content.ReadAsByteArrayAsync());
        }
    }
}
