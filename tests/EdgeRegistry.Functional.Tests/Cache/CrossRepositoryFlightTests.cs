using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// One uplink fetch per digest, whichever repository asked first: a client asking for the same blob under another
/// cached repository while the first client's fetch is under way waits for it, and is then served the blob from disk,
/// linked into its own repository — not a 404 because the landed blob was linked only into the first repository.
/// Debian's CNCF Distribution 2.8.2 is the upstream; the uplink is capped so the fetch lasts a few seconds.
/// </summary>
public sealed class CrossRepositoryFlightTests(ITestOutputHelper output)
{
    /// <summary>4 MiB of incompressible bytes at 1 MiB/s: the first client's fetch is under way for about four seconds.</summary>
    private const int SharedLayerBytes = 4 << 20;

    private const long UplinkBytesPerSecond = 1 << 20;

    private static readonly GeneratedImage First = TestImages.Image("flight-first", layerCount: 1, layerBytes: SharedLayerBytes);

    /// <summary>Another image whose only layer is <see cref="First"/>'s: the base layer two repositories have in common.</summary>
    private static readonly GeneratedImage Second = TestImages.Image("flight-second", layerCount: 1, layerBytes: SharedLayerBytes, firstLayerOf: "flight-first");

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Blob_AskedUnderAnotherRepositoryDuringItsUplinkFetch_IsServedFromTheOneFetch()
    {
        using var temp = new TempDirectory("cache-flight");
        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo")), temp);
        await using var upstream = await DistributionServer.StartAsync(temp.Sub("upstream"), temp.Path, output);
        await roundTrip.PushAsync(upstream.Host, "src/first", "v1", First);
        await roundTrip.PushAsync(upstream.Host, "src/second", "v1", Second);
        var mirrorSets = UpstreamFixture.WriteMirrorSets(temp, ($"{upstream.Host}/src/first", "cache/first"), ($"{upstream.Host}/src/second", "cache/second"));
        await using var edgereg = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            ExtraArguments = ["--mirror-set", mirrorSets, "--upstream-plain-http", upstream.Host, "--upstream-auth-file", temp.File("none.json"),
                "--upstream-bandwidth", UplinkBytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        }, output);
        var shared = First.Layers[0];
        Assert.Equal(shared.Digest, Second.Layers[0].Digest);
        using var http = new HttpClient { BaseAddress = edgereg.BaseAddress, Timeout = TestTimeouts.HttpRequest };

        // The first client leads the fetch: its first bytes arriving mean the flight is under way.
        using var leader = await http.GetAsync($"v2/cache/first/blobs/{shared.Digest}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, leader.StatusCode);
        await using var leaderBody = await leader.Content.ReadAsStreamAsync();
        var leaderBytes = new byte[shared.Size];
        int first = await leaderBody.ReadAtLeastAsync(leaderBytes, 1);

        // The second client joins it for the other repository, and waits for the whole blob.
        var follower = http.GetAsync($"v2/cache/second/blobs/{shared.Digest}");
        await leaderBody.ReadExactlyAsync(leaderBytes.AsMemory(first));
        Assert.Equal(shared.Content, leaderBytes);
        using var followed = await follower;
        Assert.True(followed.StatusCode == HttpStatusCode.OK,
            $"the blob asked under cache/second while cache/first's fetch was under way: {(int)followed.StatusCode} {await followed.Content.ReadAsStringAsync()}");
        Assert.Equal(shared.Content, await followed.Content.ReadAsByteArrayAsync());

        // It crossed the uplink once, for the first repository; and it is linked into the second one now.
        await Eventually.HoldsAsync("the upstream logs the fetch", TimeSpan.FromSeconds(5), () =>
            UplinkRequests.From(upstream.Output, "src/first").Count("GET", "blobs", 200) == 1 ? null : UplinkRequests.From(upstream.Output, "src/first").ToString());
        Assert.Equal(0, UplinkRequests.From(upstream.Output, "src/second").Count("GET", "blobs"));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/cache/second/blobs/{shared.Digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }
}
