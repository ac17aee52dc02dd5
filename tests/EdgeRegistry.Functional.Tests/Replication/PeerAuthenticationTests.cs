using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 7: the peer-only API refuses anyone without the cluster secret with 401 and logs the
/// refusal. A request signed with the real secret is the control that shows the 401s are about the secret.
/// </summary>
public sealed class PeerAuthenticationTests(ITestOutputHelper output)
{
    private const string SummaryPath = "/_edgereg/peer/v1/summary";

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PeerSummary_NoOrWrongClusterSecret_401AndRefusalLogged()
    {
        using var temp = new TempDirectory("peer-auth");
        await using var cluster = ThreeNodeCluster.OnLoopback(temp, output);
        await cluster.A.StartAsync();
        var peer = cluster.B.Host;
        using var client = new HttpClient { BaseAddress = cluster.A.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        var realSecret = File.ReadAllBytes(cluster.SecretFile).AsSpan().Trim("\r\n\t "u8).ToArray();
        var wrongSecret = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(HttpStatusCode.Unauthorized, await SummaryStatusAsync(client, header: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SummaryStatusAsync(client, "not a credential"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SummaryStatusAsync(client, Sign(wrongSecret, peer, "GET", SummaryPath)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SummaryStatusAsync(client, Sign(realSecret, "127.0.0.9:1", "GET", SummaryPath)));
        Assert.Equal(HttpStatusCode.OK, await SummaryStatusAsync(client, Sign(realSecret, peer, "GET", SummaryPath)));

        await Eventually.HoldsAsync("the refusals in node A's log", TimeSpan.FromSeconds(5), () =>
        {
            var log = cluster.A.Output;
            return new[] { "no peer credentials", "malformed peer credentials", "wrong cluster secret", "is not a cluster member" }
                .FirstOrDefault(reason => !log.Contains(reason, StringComparison.Ordinal) || !log.Contains(SummaryPath, StringComparison.Ordinal))
                is { } missing ? $"no logged refusal mentioning \"{missing}\" and {SummaryPath}" : null;
        });
    }

    private static async Task<HttpStatusCode> SummaryStatusAsync(HttpClient client, string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, SummaryPath);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Edgereg-Peer", header);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The documented header: "MEMBER UNIXSECONDS HEX(HMAC-SHA256(secret, member\nseconds\nMETHOD\npath))".</summary>
    private static string Sign(byte[] secret, string member, string method, string pathAndQuery)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{member}\n{now}\n{method}\n{pathAndQuery}"));
        return $"{member} {now} {Convert.ToHexStringLower(mac)}";
    }
}
