using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Compatibility;

/// <summary>
/// The seeds' nodes already hold registry:2 stores: edgereg must serve a store CNCF Distribution wrote,
/// and Distribution must serve what edgereg wrote. Both directions use Debian's docker-registry 2.8.2.
/// </summary>
public sealed class DistributionCompatibilityTests(ITestOutputHelper output)
{
    private static readonly GeneratedImage Image = TestImages.Image("compat-image", layerCount: 3);
    private static readonly GeneratedIndex Index = TestImages.Index("compat-index");

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StoreWrittenByDistribution_EdgeregServesTagsDigestsAndIndex()
    {
        using var temp = new TempDirectory("compat-from-distribution");
        var root = temp.Sub("root");
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await using (var distribution = await DistributionServer.StartAsync(root, temp.Path, output))
        {
            await PushAllAsync(roundTrip, distribution.Host);
            await distribution.StopAsync();
        }

        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(root), output);
        await AssertAllPullBackAsync(roundTrip, new Skopeo(temp.Sub("skopeo-check")), edgereg.Host);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StoreWrittenByEdgereg_DistributionServesTagsDigestsAndIndex()
    {
        using var temp = new TempDirectory("compat-to-distribution");
        var root = temp.Sub("root");
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await using (var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(root), output))
        {
            await PushAllAsync(roundTrip, edgereg.Host);
            await edgereg.StopAsync();
        }

        await using var distribution = await DistributionServer.StartAsync(root, temp.Path, output);
        await AssertAllPullBackAsync(roundTrip, new Skopeo(temp.Sub("skopeo-check")), distribution.Host);
    }

    private static async Task PushAllAsync(RoundTrip roundTrip, string host)
    {
        await roundTrip.PushAsync(host, "compat/image", "v1", Image);
        await roundTrip.PushAsync(host, "compat/image", "v2", Image);
        await roundTrip.PushAsync(host, "compat/nested/multi", "v1", Index);
    }

    private static async Task AssertAllPullBackAsync(RoundTrip roundTrip, Skopeo skopeo, string host)
    {
        Assert.Equal(new[] { "v1", "v2" }, await ListTagsAsync(skopeo, $"docker://{host}/compat/image"));
        Assert.Equal(new[] { "v1" }, await ListTagsAsync(skopeo, $"docker://{host}/compat/nested/multi"));
        await roundTrip.AssertPullsBackAsync(host, "compat/image", "v1", Image);
        await roundTrip.AssertPullsBackAsync(host, "compat/image", "v2", Image);
        await roundTrip.AssertPullsBackAsync(host, "compat/nested/multi", "v1", Index);
    }

    private static async Task<IEnumerable<string?>> ListTagsAsync(Skopeo skopeo, string repository)
    {
        var result = (await skopeo.ListTagsAsync(repository)).EnsureSuccess();
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.GetProperty("Tags").EnumerateArray().Select(tag => tag.GetString()).Order(StringComparer.Ordinal).ToList();
    }
}
