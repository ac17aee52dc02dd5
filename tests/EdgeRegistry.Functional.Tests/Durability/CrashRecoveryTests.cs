using System.Collections.Concurrent;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Durability;

/// <summary>
/// kill -9 at random moments during concurrent pushes (skopeo and raw chunked uploads, some racing on
/// the same blobs and tag), restart on the same root, repeat; then nothing partial or corrupt may be
/// visible, every push that was acknowledged before a kill must still be there, and the registry must
/// still take a push and serve a pull.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int KillCycles = 6;
    private const int SkopeoPushersPerCycle = 2;
    private const int LayerBytes = 2 * 1024 * 1024;
    private const int ChunkBytes = 256 * 1024;
    private static readonly TimeSpan PusherDrain = TimeSpan.FromSeconds(60);

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task ConcurrentPushes_SigkillAtRandomMomentsAndRestart_StoreStaysConsistent()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"crash test seed {seed}");
        var random = new Random(seed);
        using var temp = new TempDirectory("crash");
        var root = temp.Sub("root");
        var options = new EdgeregOptions(root);
        var acknowledged = new ConcurrentBag<(string Repository, string Tag, string Digest)>();

        for (var cycle = 0; cycle < KillCycles; cycle++)
        {
            var sources = PrepareSkopeoSources(temp, cycle);
            var shared = TestImages.Image($"crash-shared-{cycle}", layerCount: 2, layerBytes: LayerBytes);
            await using var server = await EdgeregServer.StartAsync(options);
            using var stop = new CancellationTokenSource();
            using var http = new RegistryHttp(server.BaseAddress);
            var pushers = new List<Task>();
            foreach (var (directory, image, repository) in sources)
            {
                var skopeo = new Skopeo(temp.Sub($"skopeo-{cycle}-{repository.Replace('/', '-')}"));
                pushers.Add(PushWithSkopeoAsync(skopeo, directory, server.Host, repository, image, acknowledged));
            }

            // Two raw pushers race on the same blobs and the same tag.
            pushers.Add(PushChunkedAsync(http, "crash/raw", $"c{cycle}", shared, acknowledged, stop.Token));
            pushers.Add(PushChunkedAsync(http, "crash/raw", $"c{cycle}", shared, acknowledged, stop.Token));

            var killAfter = TimeSpan.FromMilliseconds(random.Next(150, 2500));
            output.WriteLine($"cycle {cycle}: SIGKILL after {killAfter.TotalMilliseconds} ms");
            await Task.Delay(killAfter);
            await server.KillAsync();
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(pushers).WaitAsync(PusherDrain);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"cycle {cycle}: pushers still running {PusherDrain} after the server was killed");
            }
        }

        await using var final = await EdgeregServer.StartAsync(options);
        var layout = new DistributionLayout(root);
        using var finalHttp = new RegistryHttp(final.BaseAddress);
        StoreIntegrity.AssertEveryBlobMatchesItsDigest(layout);
        var tags = await StoreIntegrity.AssertEveryTagResolvesCompletelyAsync(layout, finalHttp);
        output.WriteLine($"{tags} tags resolved completely; {acknowledged.Count} pushes were acknowledged before a kill");
        foreach (var (repository, tag, digest) in acknowledged)
        {
            using var response = await finalHttp.GetManifestAsync(repository, tag);
            await RegistryHttp.ExpectAsync(response, System.Net.HttpStatusCode.OK, $"acknowledged push {repository}:{tag} after restart");
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }

        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo-final")), temp);
        var after = TestImages.Image("crash-after", layerCount: 3);
        await roundTrip.PushAsync(final.Host, "crash/after", "v1", after);
        await roundTrip.AssertPullsBackAsync(final.Host, "crash/after", "v1", after);
    }

    private static List<(string Directory, GeneratedImage Image, string Repository)> PrepareSkopeoSources(TempDirectory temp, int cycle)
    {
        var sources = new List<(string, GeneratedImage, string)>();
        for (var pusher = 0; pusher < SkopeoPushersPerCycle; pusher++)
        {
            var image = TestImages.Image($"crash-skopeo-{cycle}-{pusher}", layerCount: 3, layerBytes: LayerBytes);
            var directory = temp.Sub($"source-{cycle}-{pusher}");
            OciLayoutWriter.Write(directory, "v1", image);
            sources.Add((directory, image, $"crash/skopeo{pusher}"));
        }

        return sources;
    }

    private static async Task PushWithSkopeoAsync(
        Skopeo skopeo, string directory, string host, string repository, GeneratedImage image,
        ConcurrentBag<(string, string, string)> acknowledged)
    {
        var tag = Path.GetFileName(directory);
        var result = await skopeo.CopyAsync($"oci:{directory}:v1", $"docker://{host}/{repository}:{tag}");
        if (result.Succeeded)
        {
            acknowledged.Add((repository, tag, image.Manifest.Digest));
        }
    }

    private static async Task PushChunkedAsync(
        RegistryHttp http, string repository, string tag, GeneratedImage image,
        ConcurrentBag<(string, string, string)> acknowledged, CancellationToken cancellation)
    {
        try
        {
            foreach (var blob in image.ReferencedBlobs)
            {
                await http.PushBlobChunkedAsync(repository, blob.Content, ChunkBytes, cancellation);
            }

            await http.PutManifestAsync(repository, tag, image.Manifest, cancellation);
            acknowledged.Add((repository, tag, image.Manifest.Digest));
        }
        catch (Exception interrupted) when (interrupted is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server was killed mid-push; only acknowledged pushes count. Wrong answers from a live server
            // (XunitException from status checks) are not caught: they fail the test.
        }
    }
}
