using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Import;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// Issue 16's power cut during `edgereg import` of an oc-mirror archive, SIGKILLing the binary that writes the store at
/// a random moment: in even rounds `edgereg import` writing directly (agent stopped), in odd rounds the agent the
/// import goes through (the CLI must then give up within a bound, not hang). Each round resumes what the last left;
/// a round whose import completed wipes the store, so the next kill lands in an import again. After every kill nothing
/// the store shows is partial or corrupt and no link points nowhere; at the end an import completes, every tag is
/// served whole, and Distribution serves the store.
/// </summary>
public sealed class ImportKillDrillTests(ITestOutputHelper output)
{
    private const int MaxRounds = 50;

    /// <summary>A bound, not a target: 50 rounds take well under a minute on a quiet machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    /// <summary>How long the import CLI may outlive the agent it was importing through.</summary>
    private static readonly TimeSpan CliOutlivesAgent = TimeSpan.FromSeconds(30);

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task Import_SigkillImportOrAgentAtRandomMoments_StoreSoundAndFinalImportServedByEdgeregAndDistribution()
    {
        using var temp = new TempDirectory("import-drill");
        var archive = await OcMirrorArchive.WriteAsync(temp, "media",
        [
            new("drill/import-one", "1.0", TestImages.Image("drill-import-one", layerCount: 4, layerBytes: 2 * 1024 * 1024)),
            new("drill/import-two", "2.0", TestImages.Image("drill-import-two", layerCount: 3, layerBytes: 2 * 1024 * 1024)),
            new("drill/import-multi", "v1", Index: TestImages.Index("drill-import-multi")),
        ], new Dictionary<string, string>(), output);
        var root = temp.Sub("root");
        var agent = new EdgeregOptions(root);
        var agentSocket = root.TrimEnd('/') + ".status.sock";
        var noAgent = temp.Combine("no-agent.sock");

        var verified = new VerifiedBlobs();
        var rounds = new KillRounds("import drill", MaxRounds, Budget, output);
        while (rounds.Next())
        {
            var throughAgent = rounds.Rounds % 2 == 1;
            var moment = rounds.Moment(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(700));
            int? before, exit;
            if (throughAgent)
            {
                await using var server = await EdgeregServer.StartAsync(agent, output);
                await using var import = StartImport(root, agentSocket, archive);
                await Task.Delay(moment);
                before = import.ExitCode;
                await server.KillAsync();
                await AssertExitsWithinAsync(import, CliOutlivesAgent);
                exit = import.ExitCode;
            }
            else
            {
                await using var import = StartImport(root, noAgent, archive);
                await Task.Delay(moment);
                before = import.ExitCode;
                await import.KillAsync();
                exit = import.ExitCode;
            }

            KilledStoreChecks.AssertOnDisk(root, verified: verified);
            Assert.True(before is null or 0, $"round {rounds.Rounds + 1}: the import failed on its own (exit {before}) before the kill");
            rounds.Record(interrupted: exit != 0,
                $"{(throughAgent ? "the agent under the import" : "`edgereg import`")} killed {moment.TotalMilliseconds:0} ms in; {(exit == 0 ? "the import had completed" : $"the import ended with exit {exit}")}");
            if (exit == 0)
            {
                Directory.Delete(root, recursive: true);
                Directory.CreateDirectory(root);
            }
        }

        rounds.AssertKillsLandedMidWork(minimum: 4);
        var completed = await ProcessRunner.RunAsync(EdgeregBinary.Path, ["import", "--json", "--root", root, "--status-socket", noAgent, archive],
            TestTimeouts.ClientCommand);
        Assert.True(completed.ExitCode == 0, completed.Describe());
        using (var json = JsonDocument.Parse(completed.StandardOutput))
        {
            Assert.Equal(0, json.RootElement.GetProperty("problems").GetArrayLength());
        }

        KilledStoreChecks.AssertOnDisk(root);
        await using (var server = await EdgeregServer.StartAsync(agent, output))
        {
            using var http = new RegistryHttp(server.BaseAddress);
            Assert.Equal(3, await KilledStoreChecks.AssertEdgeregServesEveryTagAsync(root, http));
            var pulled = await new Skopeo(temp.Sub("skopeo")).CopyAsync($"docker://{server.Host}/drill/import-multi:v1", $"oci:{temp.Combine("pulled")}:x", all: true);
            Assert.True(pulled.Succeeded, pulled.Describe());
            await server.StopAsync();
        }

        Assert.Equal(3, await KilledStoreChecks.AssertDistributionServesEveryTagAsync(root, temp.Sub("distribution"), output));
    }

    private static BackgroundProcess StartImport(string root, string socket, string archive)
    {
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name => name.StartsWith("EDGEREG_", StringComparison.Ordinal));
        return BackgroundProcess.Start(EdgeregBinary.Path, ["import", "--root", root, "--status-socket", socket, archive], inherited);
    }

    private static async Task AssertExitsWithinAsync(BackgroundProcess import, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!import.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(import.HasExited, $"`edgereg import` still ran {bound.TotalSeconds:0} s after the agent it imports through died:\n{import.Output}");
    }
}
