using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Access;

/// <summary>
/// Any host-network pod can reach a node's registry, so writes need credentials from the credentials
/// file unless anonymous writes were asked for; pulls stay anonymous because CRI-O pulls that way.
/// </summary>
public sealed class WriteAccessTests(ITestOutputHelper output)
{
    private const string User = "pusher";
    private const string Password = "correct horse battery staple";

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Push_CredentialsFileWithoutAnonymousWrites_OnlyAuthenticatedPushSucceedsAndPullIsAnonymous()
    {
        using var temp = new TempDirectory("access");
        var credentials = temp.Combine("credentials");
        await CredentialsFile.AddUserAsync(credentials, User, Password);
        await using var server = await EdgeregServer.StartAsync(
            new EdgeregOptions(temp.Sub("root")) { AnonymousWrites = false, CredentialsFile = credentials }, output);
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var roundTrip = new RoundTrip(skopeo, temp);
        var image = TestImages.Image("access-image");
        var source = temp.Sub("source");
        OciLayoutWriter.Write(source, "v1", image);
        var destination = $"docker://{server.Host}/access/repo:v1";

        Assert.False((await skopeo.CopyAsync($"oci:{source}:v1", destination)).Succeeded);
        Assert.False((await skopeo.CopyAsync($"oci:{source}:v1", destination, destinationCredentials: $"{User}:wrong")).Succeeded);
        using (var anonymous = new RegistryHttp(server.BaseAddress))
        using (var refused = await anonymous.PostUploadRawAsync("access/repo"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("UNAUTHORIZED", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(refused.Headers.WwwAuthenticate.Count > 0, "401 without WWW-Authenticate");
        }

        Assert.False((await skopeo.InspectRawAsync(destination)).Succeeded, "a refused push left a manifest behind");

        (await skopeo.CopyAsync($"oci:{source}:v1", destination, destinationCredentials: $"{User}:{Password}")).EnsureSuccess();
        await roundTrip.AssertPullsBackAsync(server.Host, "access/repo", "v1", image);
    }
}
