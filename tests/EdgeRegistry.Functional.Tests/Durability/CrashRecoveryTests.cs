using System.Collections.Concurrent;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Durability;

/// <summary>
/// kill -9 at random moments during concurrent pushes (skopeo and raw chunked uploads, two of them racing
/// on the same blobs and tags), restart on the same root, repeat; then nothing partial or corrupt may be
/// visible, every push acknowledged before a kill must still be there, and the registry must still take a
/// push and serve a pull. Each pusher keeps pushing new images until the server dies, so every kill lands
/// in the middle of transfers. Finally CNCF Distribution must serve the same store.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int KillCycles = 6;
    private const int SkopeoPushers = 2;
    private const int MaxPushesPerPusherPerCycle = 25;
    private const int LayerBytes = 1024 * 1024;
    private const int ChunkBytes = 128 * 1024;
    private static readonly TimeSpan PusherDrain = TimeSpan.FromSeconds(60);

    private readonly ConcurrentBag<(string Repository, string Tag, string Digest)> _acknowledged = [];
    private int _interrupted;

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task ConcurrentPushes_SigkillAtRandomMomentsAndRestart_StoreStaysConsistent()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"crash test seed {seed}");
        var random = new Random(seed);
        using var temp = new TempDirectory("crash");
        var root = temp.Sub("root");
        var options = new EdgeregOptions(root);

        for (var cycle = 0; cycle < KillCycles; cycle++)
        {
            await using var server = await EdgeregServer.StartAsync(options, output);
            using var http = new RegistryHttp(server.BaseAddress);
            using var killed = new CancellationTokenSource();
            var pushers = new List<Task>();
            for (var pusher = 0; pusher < SkopeoPushers; pusher++)
            {
                var skopeo = new Skopeo(temp.Sub($"skopeo-{cycle}-{pusher}"));
                pushers.Add(PushWithSkopeoUntilKilledAsync(skopeo, temp, server.Host, $"crash/skopeo{pusher}", $"c{cycle}-p{pusher}", killed.Token));
            }

            // Two raw pushers push the same image sequence to the same tags: same-blob and same-tag races.
            pushers.Add(PushChunkedUntilKilledAsync(http, "crash/raw", $"c{cycle}", killed.Token));
            pushers.Add(PushChunkedUntilKilledAsync(http, "crash/raw", $"c{cycle}", killed.Token));

            var killAfter = TimeSpan.FromMilliseconds(random.Next(300, 3000));
            await Task.Delay(killAfter);
            await server.KillAsync();
            await killed.CancelAsync();
            try
            {
                await Task.WhenAll(pushers).WaitAsync(PusherDrain);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"cycle {cycle}: pushers still running {PusherDrain} after the server was killed");
            }

            output.WriteLine($"cycle {cycle}: SIGKILL after {killAfter.TotalMilliseconds} ms; acknowledged so far {_acknowledged.Count}, interrupted {_interrupted}");
        }

        Assert.True(_interrupted > 0, "no push was ever interrupted: the kills did not land during transfers");

        await using var final = await EdgeregServer.StartAsync(options, output);
        using var finalHttp = new RegistryHttp(final.BaseAddress);
        KilledStoreChecks.AssertOnDisk(root);
        var tags = await KilledStoreChecks.AssertEdgeregServesEveryTagAsync(root, finalHttp);
        output.WriteLine($"{tags} tags resolved completely");
        foreach (var (repository, tag, digest) in _acknowledged)
        {
            using var response = await finalHttp.GetManifestAsync(repository, tag);
            await RegistryHttp.ExpectAsync(response, System.Net.HttpStatusCode.OK, $"acknowledged push {repository}:{tag} after restart");
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }

        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo-final")), temp);
        var after = TestImages.Image("crash-after", layerCount: 3);
        await roundTrip.PushAsync(final.Host, "crash/after", "v1", after);
        await roundTrip.AssertPullsBackAsync(final.Host, "crash/after", "v1", after);

        // CNCF Distribution serves what the kills left behind: every tag completely, every acknowledged push by tag.
        await final.StopAsync();
        await KilledStoreChecks.AssertDistributionServesEveryTagAsync(root, temp.Sub("distribution-check"), output);
        await using var distribution = await DistributionServer.StartAsync(root, temp.Sub("distribution"), output);
        using var distributionHttp = new RegistryHttp(distribution.BaseAddress);
        foreach (var (repository, tag, digest) in _acknowledged)
        {
            using var response = await distributionHttp.GetManifestAsync(repository, tag);
            await RegistryHttp.ExpectAsync(response, System.Net.HttpStatusCode.OK, $"Distribution serving acknowledged push {repository}:{tag}");
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }
        await roundTrip.AssertPullsBackAsync(distribution.Host, "crash/after", "v1", after);
    }

    private async Task PushWithSkopeoUntilKilledAsync(
        Skopeo skopeo, TempDirectory temp, string host, string repository, string name, CancellationToken killed)
    {
        for (var push = 0; push < MaxPushesPerPusherPerCycle && !killed.IsCancellationRequested; push++)
        {
            var tag = $"{name}-{push}";
            var image = TestImages.Image($"crash-{repository}-{tag}", layerCount: 3, layerBytes: LayerBytes);
            var source = temp.Sub($"source-{repository.Replace('/', '-')}-{tag}");
            OciLayoutWriter.Write(source, tag, image);
            var result = await skopeo.CopyAsync($"oci:{source}:{tag}", $"docker://{host}/{repository}:{tag}");
            if (!result.Succeeded)
            {
                Interlocked.Increment(ref _interrupted);
                return;
            }

            _acknowledged.Add((repository, tag, image.Manifest.Digest));
        }
    }

    private async Task PushChunkedUntilKilledAsync(RegistryHttp http, string repository, string name, CancellationToken killed)
    {
        for (var push = 0; push < MaxPushesPerPusherPerCycle && !killed.IsCancellationRequested; push++)
        {
            var tag = $"{name}-{push}";
            var image = TestImages.Image($"crash-raw-{tag}", layerCount: 2, layerBytes: LayerBytes);
            try
            {
                foreach (var blob in image.ReferencedBlobs)
                {
                    await http.PushBlobChunkedAsync(repository, blob.Content, ChunkBytes, killed);
                }

                await http.PutManifestAsync(repository, tag, image.Manifest, killed);
                _acknowledged.Add((repository, tag, image.Manifest.Digest));
            }
            catch (Exception interrupted) when (interrupted is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server was killed mid-push; only acknowledged pushes count. Wrong answers from a live
                // server (XunitException from status checks) are not caught: they fail the test.
                Interlocked.Increment(ref _interrupted);
                return;
            }
        }
    }
}
