using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using Xunit.Abstractions;
using CredentialsFileClient = EdgeRegistry.Functional.Tests.Infrastructure.Clients.CredentialsFile;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Users are the same on every member: `edgereg user add` on one node lets that user push to all three, and
/// `edgereg user remove` on another takes the right away everywhere, also on a node that was down meanwhile.
/// Every node checks pushes against its own credentials file; nothing is anonymous.
/// </summary>
public sealed class UserReplicationTests(ITestOutputHelper output)
{
    private const string User = "site-pusher";
    private const string Password = "tr0ub4dor&3 but longer";
    private const string Repository = "site/app";

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task UserAddedOnA_PushesToBAndC_RemovedOnB_RefusedOnAAndOnCAfterItWasDown()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, withUsers: true);
        var cluster = rig.Cluster;
        var image = TestImages.Image("user-replication");
        var source = rig.Temp.Sub("source");
        OciLayoutWriter.Write(source, "v1", image);
        var skopeo = new Skopeo(rig.Temp.Sub("skopeo-creds"));

        // No user anywhere yet: a push with the credentials is refused, so what follows is the replication's doing.
        Assert.False((await skopeo.CopyAsync($"oci:{source}:v1", $"docker://{cluster.B.Host}/{Repository}:v1",
            destinationCredentials: $"{User}:{Password}")).Succeeded, "B accepted a user nobody added");

        await CredentialsFileClient.AddUserAsync(cluster.A.CredentialsFile!, User, Password);

        foreach (var node in new[] { cluster.B, cluster.C })
        {
            await Eventually.HoldsAsync($"{User}, added on A, pushing to {node.Name}", ReplicationRig.Convergence, async () =>
            {
                var push = await skopeo.CopyAsync($"oci:{source}:v1", $"docker://{node.Host}/{Repository}:{node.Name.ToLowerInvariant()}",
                    destinationCredentials: $"{User}:{Password}");
                return push.Succeeded ? null : push.Describe();
            });
            Assert.Contains($"{User}:", await File.ReadAllTextAsync(node.CredentialsFile!), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await UploadStatusAsync(cluster.B, $"{User}:wrong password"));
        Assert.Equal(HttpStatusCode.Unauthorized, await UploadStatusAsync(cluster.C, credentials: null));

        // C is down while the user is removed on B: it must learn of the removal when it is back.
        await cluster.C.StopAsync();
        (await ProcessRunner.RunAsync(EdgeregBinary.Path, ["user", "remove", User, "--credentials-file", cluster.B.CredentialsFile!],
            TestTimeouts.ShortCommand)).EnsureSuccess();
        Assert.Equal(HttpStatusCode.Unauthorized, await UploadStatusAsync(cluster.B, $"{User}:{Password}"));

        await Eventually.HoldsAsync($"{User}, removed on B, refused on A", ReplicationRig.Convergence, async () =>
            await UploadStatusAsync(cluster.A, $"{User}:{Password}") is var status && status == HttpStatusCode.Unauthorized ? null : $"A answered {(int)status}");
        Assert.False((await skopeo.CopyAsync($"oci:{source}:v1", $"docker://{cluster.A.Host}/{Repository}:after-removal",
            destinationCredentials: $"{User}:{Password}")).Succeeded, "A still accepted a push of the removed user");

        await cluster.C.StartAsync();
        await Eventually.HoldsAsync($"{User} refused on C after its restart", ReplicationRig.Convergence, async () =>
            await UploadStatusAsync(cluster.C, $"{User}:{Password}") is var status && status == HttpStatusCode.Unauthorized ? null : $"C answered {(int)status}");
        foreach (var node in cluster.Nodes)
        {
            Assert.DoesNotContain($"{User}:", await File.ReadAllTextAsync(node.CredentialsFile!), StringComparison.Ordinal);
        }

        // What the user pushed while allowed stays, and replicates: pulls are anonymous.
        var pushed = new[] { ExpectedImage.Of(Repository, "b", image), ExpectedImage.Of(Repository, "c", image) };
        await rig.AwaitReplicasAsync(cluster.Nodes, pushed);
        await rig.AssertServesAsync(cluster.A, pushed);
    }

    /// <summary>The status of starting an upload with the given Basic credentials (202 allowed, 401 refused).</summary>
    private static async Task<HttpStatusCode> UploadStatusAsync(ClusterNode node, string? credentials)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/{Repository}/blobs/uploads/");
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
