using System.Collections.Concurrent;
using EdgeRegistry.Functional.Tests.Drills;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Durability;

/// <summary>
/// Issue 16's power cut during pushes: each round starts the binary on the same root, sets 20 skopeo pushes going at
/// once (100 in every tenth round; each its own process and a fresh image) beside two raw chunked pushers that race
/// on the same blobs and tags, and SIGKILLs the binary at a random moment while they run. After every kill nothing the
/// store shows is partial or corrupt and no link points nowhere; at the end every push that got its 201 is served whole, by edgereg and by CNCF
/// Distribution, and the registry still takes a push and serves a pull. The images are small (a few KiB a layer): what
/// a kill can break is the order of renames and links, which a small blob exercises as well as a big one, and small
/// ones keep 50 rounds of concurrent processes within a minute or two on two cores.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int MaxRounds = 50;

    /// <summary>skopeo processes started at once in most rounds: each is ~0.05 CPU-seconds of its own.</summary>
    private const int SkopeoPushesPerRound = 20;

    /// <summary>Every <see cref="WideRoundEvery"/>th round (the first included) starts this many at once, issue 16's 100 concurrent pushes.</summary>
    private const int SkopeoPushesPerWideRound = 100;

    private const int WideRoundEvery = 10;

    private const int RawPushesPerPusherPerRound = 25;
    private const int LayerBytes = 4 * 1024;
    private const int RawLayerBytes = 64 * 1024;
    private const int ChunkBytes = 16 * 1024;

    /// <summary>A bound, not a target: 50 rounds took 66-117 s at load averages of 22-28 on two cores.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(150);

    private static readonly TimeSpan PusherDrain = TimeSpan.FromSeconds(60);

    private readonly ConcurrentBag<(string Repository, string Tag, string Digest)> _acknowledged = [];

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task ConcurrentPushes_SigkillAtRandomMomentsAndRestart_StoreStaysConsistent()
    {
        var test = System.Diagnostics.Stopwatch.StartNew();
        using var temp = new TempDirectory("crash");
        var root = temp.Sub("root");
        var options = new EdgeregOptions(root);
        // One isolated skopeo home per concurrent push, reused every round: a home is a blob-info cache, and pushes
        // sharing one would queue on its lock (and could turn pushes into mounts).
        var skopeos = Enumerable.Range(0, SkopeoPushesPerWideRound).Select(i => new Skopeo(temp.Sub($"skopeo-{i}"))).ToArray();
        var verified = new VerifiedBlobs();

        var rounds = new KillRounds("push drill", MaxRounds, Budget, output);
        while (rounds.Next())
        {
            var round = rounds.Rounds;
            var width = round % WideRoundEvery == 0 ? SkopeoPushesPerWideRound : SkopeoPushesPerRound;
            // The sources are written before the server starts, so the kill moment counts from pushes, not file writes.
            var sources = Enumerable.Range(0, width).Select(i => WriteSource(temp, round, i)).ToList();
            var blobsBefore = new DistributionLayout(root).Blobs().Count();
            await using var server = await EdgeregServer.StartAsync(options, output);
            using var http = new RegistryHttp(server.BaseAddress);
            using var killed = new CancellationTokenSource();
            var skopeoPushes = sources.Select((source, i) => PushWithSkopeoAsync(skopeos[i], source, server.Host)).ToList();
            // Two raw pushers push the same image sequence to the same tags: same-blob and same-tag races.
            var rawPushes = Enumerable.Range(0, 2).Select(_ => PushChunkedUntilKilledAsync(http, "crash/raw", $"r{round}", killed.Token)).ToList();

            // 20 skopeo pushes end about 1 s after the start on two cores (later under load), 100 take about five times
            // as long; kills early in that window cut uploads, late ones manifests, and the raw pushers run until the
            // kill whenever it comes.
            var moment = rounds.Moment(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(1200 * width / SkopeoPushesPerRound));
            await Task.Delay(moment);
            await server.KillAsync();
            await killed.CancelAsync();
            try
            {
                await Task.WhenAll(skopeoPushes.Cast<Task>().Concat(rawPushes)).WaitAsync(PusherDrain);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"round {round + 1}: pushers still running {PusherDrain} after the server was killed");
            }

            KilledStoreChecks.AssertOnDisk(root, verified: verified);
            var failed = skopeoPushes.Count(push => !push.Result) + rawPushes.Count(push => push.Result);
            var blobsAfter = new DistributionLayout(root).Blobs().Count();
            // Mid-work: the round stored something before the kill and some push did not get to its 201.
            rounds.Record(interrupted: failed > 0 && blobsAfter > blobsBefore,
                $"SIGKILL {moment.TotalMilliseconds:0} ms after ready; {skopeoPushes.Count(push => push.Result)} of {width} skopeo pushes " +
                $"acknowledged, {rawPushes.Count(push => push.Result)} raw pushers cut; blobs {blobsBefore} -> {blobsAfter}");
        }

        rounds.AssertKillsLandedMidWork(minimum: 10);

        var checks = System.Diagnostics.Stopwatch.StartNew();
        await using var final = await EdgeregServer.StartAsync(options, output);
        using var finalHttp = new RegistryHttp(final.BaseAddress);
        KilledStoreChecks.AssertOnDisk(root);
        // Every acknowledged push is a tag on disk at its digest, so serving every tag completely (below, by edgereg
        // and by Distribution) serves every acknowledged push.
        var onDisk = new DistributionLayout(root).Tags().ToDictionary(t => (t.Repository, t.Tag), t => t.Digest);
        foreach (var (repository, tag, digest) in _acknowledged)
        {
            Assert.True(onDisk.GetValueOrDefault((repository, tag)) == digest,
                $"acknowledged push {repository}:{tag} ({digest}) is {onDisk.GetValueOrDefault((repository, tag)) ?? "missing"} on disk after the drill");
        }

        var tags = await KilledStoreChecks.AssertEdgeregServesEveryTagAsync(root, finalHttp);
        output.WriteLine($"{tags} tags resolved completely; {_acknowledged.Count} pushes acknowledged ({checks.Elapsed.TotalSeconds:0.0} s into the final checks)");

        var roundTrip = new RoundTrip(new Skopeo(temp.Sub("skopeo-final")), temp);
        var after = TestImages.Image("crash-after", layerCount: 3);
        await roundTrip.PushAsync(final.Host, "crash/after", "v1", after);
        await roundTrip.AssertPullsBackAsync(final.Host, "crash/after", "v1", after);

        // CNCF Distribution serves what the kills left behind: every tag completely, so every acknowledged push.
        await final.StopAsync();
        await using var distribution = await DistributionServer.StartAsync(root, temp.Sub("distribution"), output);
        using var distributionHttp = new RegistryHttp(distribution.BaseAddress);
        Assert.Equal(tags + 1, await StoreIntegrity.AssertEveryTagResolvesCompletelyAsync(new DistributionLayout(root), distributionHttp)); // + crash/after:v1
        await roundTrip.AssertPullsBackAsync(distribution.Host, "crash/after", "v1", after);
        output.WriteLine($"final checks: {checks.Elapsed.TotalSeconds:0.0} s; the test so far {test.Elapsed.TotalSeconds:0.0} s");
    }

    private static (string Layout, string Repository, string Tag, GeneratedImage Image) WriteSource(TempDirectory temp, int round, int pusher)
    {
        var (repository, tag) = ($"crash/skopeo{pusher}", $"r{round}");
        var image = TestImages.Image($"crash-{repository}-{tag}", layerCount: 2, layerBytes: LayerBytes);
        var layout = temp.Sub($"source-{round}-{pusher}");
        OciLayoutWriter.Write(layout, tag, image);
        return (layout, repository, tag, image);
    }

    /// <returns>Whether the push got its 201 (skopeo exits 0 only after the manifest PUT succeeded).</returns>
    private async Task<bool> PushWithSkopeoAsync(
        Skopeo skopeo, (string Layout, string Repository, string Tag, GeneratedImage Image) source, string host)
    {
        var result = await skopeo.CopyAsync($"oci:{source.Layout}:{source.Tag}", $"docker://{host}/{source.Repository}:{source.Tag}");
        if (result.Succeeded)
        {
            _acknowledged.Add((source.Repository, source.Tag, source.Image.Manifest.Digest));
        }

        return result.Succeeded;
    }

    /// <returns>Whether the kill cut this pusher short (false: it finished every push of the round first).</returns>
    private async Task<bool> PushChunkedUntilKilledAsync(RegistryHttp http, string repository, string name, CancellationToken killed)
    {
        for (var push = 0; push < RawPushesPerPusherPerRound && !killed.IsCancellationRequested; push++)
        {
            var tag = $"{name}-{push}";
            var image = TestImages.Image($"crash-raw-{tag}", layerCount: 2, layerBytes: RawLayerBytes);
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
                return true;
            }
        }

        return killed.IsCancellationRequested;
    }
}
