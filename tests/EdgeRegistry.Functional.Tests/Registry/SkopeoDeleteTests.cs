using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Registry;

public sealed class SkopeoDeleteTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Delete_ManifestByDigest_ThenManifestUnknown()
    {
        using var temp = new TempDirectory("delete");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var kept = TestImages.Image("delete-kept");
        var doomed = TestImages.Image("delete-doomed");
        var roundTrip = new RoundTrip(skopeo, temp);
        await roundTrip.PushAsync(server.Host, "delete/repo", "kept", kept);
        await roundTrip.PushAsync(server.Host, "delete/repo", "doomed", doomed);

        (await skopeo.DeleteAsync($"docker://{server.Host}/delete/repo@{doomed.Manifest.Digest}")).EnsureSuccess();

        using var http = new RegistryHttp(server.BaseAddress);
        foreach (var reference in new[] { doomed.Manifest.Digest, "doomed" })
        {
            using var gone = await http.GetManifestAsync("delete/repo", reference);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Contains("MANIFEST_UNKNOWN", await gone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.False((await skopeo.InspectRawAsync($"docker://{server.Host}/delete/repo:doomed")).Succeeded);
        await roundTrip.AssertPullsBackAsync(server.Host, "delete/repo", "kept", kept);
    }
}
