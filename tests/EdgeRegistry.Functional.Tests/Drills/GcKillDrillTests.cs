using System.Diagnostics;
using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// Issue 16's power cut during garbage collection. Each round pushes fresh images, untags two of every three (so the
/// collection has manifests to delete and blobs to sweep), runs `edgereg gc` and SIGKILLs the binary doing the work
/// at a random moment: in even rounds the agent collecting on the CLI's request, in odd rounds the CLI collecting the
/// stopped agent's store directly. After every kill nothing the store shows is partial or corrupt and no link points
/// nowhere; at the end a collection completes, every tagged image is served whole, what was untagged is gone, and
/// Distribution serves the store.
/// </summary>
public sealed class GcKillDrillTests(ITestOutputHelper output)
{
    private const int MaxRounds = 50;
    /// <summary>One in three stays tagged; the other six are this round's garbage (and what a cut round leaves adds up).</summary>
    private const int ImagesPerRound = 9;

    /// <summary>A bound, not a target: 50 rounds take about a minute on a quiet machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    /// <summary>How long a round waits for the collection to delete its first object.</summary>
    private static readonly TimeSpan CollectionStart = TimeSpan.FromSeconds(30);

    /// <summary>No grace and no pull retention: everything untagged is garbage the moment it is untagged.</summary>
    private static readonly Dictionary<string, string> CollectAtOnce = new() { ["EDGEREG_GC_GRACE"] = "0s", ["EDGEREG_PULL_RETENTION"] = "0" };

    private readonly List<(string Repository, GeneratedImage Image)> _tagged = [];
    private readonly List<(string Repository, GeneratedImage Image)> _untagged = [];

    /// <summary>The files of untagged images not collected yet: a collected one never comes back, so polls stat only these.</summary>
    private readonly HashSet<string> _garbageLeft = new(StringComparer.Ordinal);

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task Collection_SigkillAgentOrCliAtRandomMoments_StoreSoundTaggedImagesWholeAndDistributionServesIt()
    {
        using var temp = new TempDirectory("gc-drill");
        var root = temp.Sub("root");
        var options = new EdgeregOptions(root) { ExtraArguments = ["--gc-grace", "0s", "--pull-retention", "0", "--gc-interval", "0"] };
        var verified = new VerifiedBlobs();
        var rounds = new KillRounds("gc drill", MaxRounds, Budget, output);
        while (rounds.Next())
        {
            var round = rounds.Rounds;
            var throughAgent = round % 2 == 0;
            await using var server = await EdgeregServer.StartAsync(options, output);
            await PushRoundAsync(server, round);
            if (!throughAgent)
            {
                await server.StopAsync();
            }

            var garbageBefore = GarbageOnDisk();
            await using var gc = StartGc(root);
            // The kill moment counts from the collection's first delete, not from the CLI's start: how long a process
            // takes to start on a loaded machine varies far more than a collection of a few images lasts.
            var waited = Stopwatch.StartNew();
            while (GarbageOnDisk() >= garbageBefore && !gc.HasExited && waited.Elapsed < CollectionStart)
            {
                await Task.Delay(5);
            }

            var moment = rounds.Moment(TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
            await Task.Delay(moment);
            await (throughAgent ? server.KillAsync() : gc.KillAsync());
            await gc.KillAsync(); // the CLI of an agent that died: bounded, it must not outlive its agent
            KilledStoreChecks.AssertOnDisk(root, verified: verified);
            // Mid-work means the kill cut a collection that had begun deleting: some of the garbage gone, not all.
            var garbageAfter = GarbageOnDisk();
            rounds.Record(interrupted: garbageAfter > 0 && garbageAfter < garbageBefore,
                $"{(throughAgent ? "agent" : "`edgereg gc` collecting directly")} killed {moment.TotalMilliseconds:0} ms after the first delete; " +
                $"garbage objects {garbageBefore} before, {garbageAfter} after");
        }

        rounds.AssertKillsLandedMidWork(minimum: 3);
        await using (var final = await EdgeregServer.StartAsync(options, output))
        {
            var completed = await ProcessRunner.RunAsync(EdgeregBinary.Path, GcArguments(root), TestTimeouts.ClientCommand, CollectAtOnce);
            Assert.True(completed.Succeeded, completed.Describe());
            KilledStoreChecks.AssertOnDisk(root);
            using var http = new RegistryHttp(final.BaseAddress);
            Assert.Equal(_tagged.Count, await KilledStoreChecks.AssertEdgeregServesEveryTagAsync(root, http));
            foreach (var (repository, image) in _tagged)
            {
                using var response = await http.GetManifestAsync(repository, "v1");
                await RegistryHttp.ExpectAsync(response, HttpStatusCode.OK, $"tagged {repository}:v1 after the drill");
                Assert.Equal(image.Manifest.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
            }

            var layout = new DistributionLayout(root);
            var left = _untagged.SelectMany(garbage => garbage.Image.AllObjects).Where(blob => File.Exists(layout.BlobData(blob.Digest))).ToList();
            Assert.True(left.Count == 0, $"{left.Count} objects of untagged images survived a completed collection, e.g. {left.FirstOrDefault()?.Digest}");
            await final.StopAsync();
        }

        Assert.Equal(_tagged.Count, await KilledStoreChecks.AssertDistributionServesEveryTagAsync(root, temp.Sub("distribution"), output));
    }

    /// <summary>Pushes this round's images (one chunk per blob), leaving one in three tagged.</summary>
    private async Task PushRoundAsync(EdgeregServer server, int round)
    {
        using var http = new RegistryHttp(server.BaseAddress);
        using var deletes = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        for (var i = 0; i < ImagesPerRound; i++)
        {
            var repository = $"drill/gc-{round}-{i}";
            var image = TestImages.Image($"drill-gc-{round}-{i}", layerCount: 2, layerBytes: 8 * 1024);
            foreach (var blob in image.ReferencedBlobs)
            {
                // POST + PUT with the body: two requests a blob, the cheapest upload the helpers have.
                await http.PushBlobStreamedAsync(repository, new MemoryStream(blob.Content), blob.Digest);
            }

            await http.PutManifestAsync(repository, "v1", image.Manifest);
            if (i % 3 == 0)
            {
                _tagged.Add((repository, image));
                continue;
            }

            using var delete = await deletes.DeleteAsync($"/v2/{repository}/manifests/v1");
            Assert.True(delete.StatusCode == HttpStatusCode.Accepted, $"untagging {repository}:v1 answered {(int)delete.StatusCode}");
            _untagged.Add((repository, image));
            var layout = new DistributionLayout(server.Options.Root);
            _garbageLeft.UnionWith(image.AllObjects.Select(blob => layout.BlobData(blob.Digest)));
            _garbageLeft.Add(RevisionLink(layout, repository, image));
        }
    }

    /// <summary>
    /// How much of the untagged images is still on disk: their objects (manifests, configs, layers) and their manifest
    /// revision links, which the collection removes first (a manifest delete), before it sweeps the blobs.
    /// </summary>
    private int GarbageOnDisk()
    {
        _garbageLeft.RemoveWhere(path => !File.Exists(path));
        return _garbageLeft.Count;
    }

    private static string RevisionLink(DistributionLayout layout, string repository, GeneratedImage image) =>
        Path.Combine(layout.RepositoriesDirectory, repository, "_manifests", "revisions", "sha256", Sha256Digest.Hex(image.Manifest.Digest), "link");

    private static BackgroundProcess StartGc(string root)
    {
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name => name.StartsWith("EDGEREG_", StringComparison.Ordinal));
        return BackgroundProcess.Start(EdgeregBinary.Path, GcArguments(root), inherited, CollectAtOnce);
    }

    /// <summary>The agent's own socket and (empty) config file, as EdgeregServer starts it: with it up, the agent collects.</summary>
    private static string[] GcArguments(string root) =>
        ["gc", "--json", "--root", root, "--status-socket", root.TrimEnd('/') + ".status.sock", "--config", root.TrimEnd('/') + ".config.json"];
}
