using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Collection;

/// <summary>
/// The published binary collecting garbage in a loop (`edgereg gc` over the status socket) while skopeo pushes and
/// pulls images concurrently. (With no grace period at all the loop wins every race against a push's manifest PUT,
/// which then fails cleanly with MANIFEST_BLOB_UNKNOWN: CollectionRaceTests covers that; here the grace is 30 s.) Whatever the interleaving, every push that succeeded pulls
/// back byte for byte, and afterwards Distribution serves the store and its own collector finds nothing left.
/// </summary>
public sealed partial class GcUnderLoadTests(ITestOutputHelper output)
{
    /// <summary>The issue's load: 100 images pushed and pulled back while the collector loops.</summary>
    private const int Images = 100;
    private const int Workers = 5;
    private const int PushAttempts = 3;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Gc_LoopDuringConcurrentSkopeoPushesAndPulls_EverythingPushedPullsBackAndDistributionAgrees()
    {
        using var temp = new TempDirectory("gc-load");
        string root = temp.Sub("root");
        await using var server = await EdgeregServer.StartAsync(
            new EdgeregOptions(root) { ExtraArguments = ["--gc-grace", "30s", "--pull-retention", "0", "--gc-interval", "0"] }, output);
        string socket = root.TrimEnd('/') + ".status.sock";
        // Old content the loop really deletes while the pushes run: an image whose tag is then removed.
        var seedSkopeo = new Skopeo(temp.Sub("skopeo-seed"));
        var stale = TestImages.Image("gc-stale");
        await new RoundTrip(seedSkopeo, temp).PushAsync(server.Host, "load/stale", "v1", stale);
        (await seedSkopeo.DeleteAsync($"docker://{server.Host}/load/stale:v1")).EnsureSuccess();
        foreach (var blob in stale.AllObjects) File.SetLastWriteTimeUtc(BlobPath(root, blob.Digest), DateTime.UtcNow.AddHours(-1));

        using var pushing = new CancellationTokenSource();
        var collections = CollectLoopAsync(socket, root, pushing.Token);
        int retried = 0;
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            using var scratch = new TempDirectory($"gc-load-{worker}");
            var skopeo = new Skopeo(scratch.Sub("skopeo"));
            var roundTrip = new RoundTrip(skopeo, scratch);
            for (int i = worker; i < Images; i += Workers)
            {
                var image = TestImages.Image($"gc-load-{i}", layerCount: 2);
                string source = scratch.Sub($"source-{i}");
                OciLayoutWriter.Write(source, "v1", image);
                // A push slower than the grace period could lose the race cleanly (MANIFEST_BLOB_UNKNOWN): push again.
                for (int attempt = 1; ; attempt++)
                {
                    var copy = await skopeo.CopyAsync($"oci:{source}:v1", $"docker://{server.Host}/load/app-{i}:v1");
                    if (copy.Succeeded) break;
                    Interlocked.Increment(ref retried);
                    Assert.True(attempt < PushAttempts, copy.ToString());
                }
                await roundTrip.AssertPullsBackAsync(server.Host, $"load/app-{i}", "v1", image);
            }
        })).ToList();
        await Task.WhenAll(workers);
        await pushing.CancelAsync();
        int runs = await collections;
        output.WriteLine($"{runs} collections during the pushes; {retried} pushes retried");
        Assert.True(runs >= 2, "the collector did not run while the images were pushed");

        // Once more, quiet: everything pushed is still there and whole, and the stale image is gone.
        var final = await GcAsync(socket, root);
        Assert.Equal(0, final.GetProperty("keptInUse").GetInt32());
        var check = new RoundTrip(new Skopeo(temp.Sub("skopeo-check")), temp);
        for (int i = 0; i < Images; i++) await check.AssertPullsBackAsync(server.Host, $"load/app-{i}", "v1", TestImages.Image($"gc-load-{i}", layerCount: 2));
        Assert.All(stale.AllObjects, blob => Assert.False(File.Exists(BlobPath(root, blob.Digest)), $"stale {blob.Digest} survived"));

        // The second opinion: Distribution serves the store as it is, and finds nothing more to collect.
        await server.StopAsync();
        Assert.Equal(0, await DistributionEligibleAsync(root, temp));
        await using var distribution = await DistributionServer.StartAsync(root, temp.Path, output);
        await check.AssertPullsBackAsync(distribution.Host, "load/app-0", "v1", TestImages.Image("gc-load-0", layerCount: 2));
        await check.AssertPullsBackAsync(distribution.Host, $"load/app-{Images - 1}", "v1", TestImages.Image($"gc-load-{Images - 1}", layerCount: 2));
    }

    /// <summary>Runs `edgereg gc` back to back until cancelled (at most 500 runs); returns how many ran.</summary>
    private static async Task<int> CollectLoopAsync(string socket, string root, CancellationToken stop)
    {
        int runs = 0;
        while (!stop.IsCancellationRequested && runs < 500)
        {
            await GcAsync(socket, root);
            runs++;
        }
        return runs;
    }

    private static async Task<JsonElement> GcAsync(string socket, string root)
    {
        var result = await ProcessRunner.RunAsync(EdgeregBinary.Path, ["gc", "--json", "--status-socket", socket, "--root", root],
            TestTimeouts.ClientCommand);
        Assert.True(result.Succeeded, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.Clone();
    }

    private static string BlobPath(string root, string digest) =>
        Path.Combine(root, "docker", "registry", "v2", "blobs", "sha256", digest[7..9], digest[7..], "data");

    private static async Task<int> DistributionEligibleAsync(string root, TempDirectory temp)
    {
        string config = temp.WriteFile("gc-distribution.yml", $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {root}\n");
        var result = await ProcessRunner.RunAsync(DistributionServer.BinaryPath, ["garbage-collect", "--dry-run", config], TestTimeouts.ClientCommand);
        Assert.True(result.Succeeded, result.ToString());
        var match = Eligible().Match(result.Output);
        Assert.True(match.Success, result.ToString());
        return int.Parse(match.Groups[1].Value) + int.Parse(match.Groups[2].Value);
    }

    [GeneratedRegex(@"(\d+) blobs and (\d+) manifests eligible for deletion")]
    private static partial Regex Eligible();
}
