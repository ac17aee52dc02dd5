using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Import;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Import;

/// <summary>
/// The published binary's import into a store on a real 48 MiB tmpfs with `--min-free 32M`: through the running
/// agent (which refuses the blob with its disk guard, 507 on the root-only socket) and with the agent stopped (the
/// CLI takes the limit from the same settings as `serve`, here EDGEREG_MIN_FREE), the import stops with the guard's
/// sentence, exit 1, and the image imported before still pulls.
/// </summary>
public sealed class ImportDiskGuardTests(ITestOutputHelper output)
{
    private const long MiB = 1 << 20;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Import_PastMinFreeOnRealTmpfs_AgentRunningAndStopped_StopsNamingTheLimitEarlierImagePulls()
    {
        using var temp = new TempDirectory("import-guard");
        await using var tmpfs = await TmpfsMount.MountAsync(temp.Combine("store"), 48 * MiB);
        ArchivedImage small = new("apps/small", "1", TestImages.Image("import-guard-small", layerCount: 1));
        ArchivedImage big = new("apps/big", "1", TestImages.Image("import-guard-big", layerCount: 1, layerBytes: (int)(24 * MiB)));
        string smallArchive = await OcMirrorArchive.WriteAsync(temp, "media-small", [small], new Dictionary<string, string>(), output);
        string bigArchive = await OcMirrorArchive.WriteAsync(temp, "media-big", [big], new Dictionary<string, string>(), output);
        string socket = temp.Combine("status.sock");
        var skopeo = new Skopeo(temp.Sub("skopeo"));

        await using (var agent = await EdgeregServer.StartAsync(new EdgeregOptions(tmpfs.Path) { ExtraArguments = ["--min-free", "32M", "--status-socket", socket] }, output))
        {
            Assert.Equal(0, (await ImportAsync(tmpfs.Path, socket, smallArchive)).ExitCode);

            var refused = await ImportAsync(tmpfs.Path, socket, bigArchive);

            AssertStoppedByMinFree(refused, big);
            Assert.Contains("507", agent.Output, StringComparison.Ordinal); // the agent's access log: the guard answered
            (await skopeo.CopyAsync($"docker://{agent.Host}/apps/small:1", $"oci:{temp.Combine("pulled-running")}:x")).EnsureSuccess();
            Assert.False((await skopeo.InspectRawAsync($"docker://{agent.Host}/apps/big:1")).Succeeded);
        }

        // Agent stopped: the CLI writes the store itself, within the same --min-free (from the environment here).
        var stopped = await ImportAsync(tmpfs.Path, socket, bigArchive, new Dictionary<string, string> { ["EDGEREG_MIN_FREE"] = "32M" });

        AssertStoppedByMinFree(stopped, big);
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(tmpfs.Path), output);
        (await skopeo.CopyAsync($"docker://{server.Host}/apps/small:1", $"oci:{temp.Combine("pulled-stopped")}:x")).EnsureSuccess();
    }

    private static void AssertStoppedByMinFree(ProcessResult result, ArchivedImage big)
    {
        Assert.True(result.ExitCode == 1, result.Describe());
        using var report = JsonDocument.Parse(result.StandardOutput);
        Assert.False(report.RootElement.GetProperty("completed").GetBoolean());
        var problem = Assert.Single(report.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("space", problem.GetProperty("kind").GetString());
        string message = problem.GetProperty("message").GetString()!;
        Assert.Contains(big.Image!.Layers[0].Digest, message, StringComparison.Ordinal);
        Assert.Contains("--min-free limit of 32.0 MiB", message, StringComparison.Ordinal);
        Assert.Matches(@"would leave [0-9.]+ MiB free", message);
    }

    private static Task<ProcessResult> ImportAsync(string root, string socket, string archive, IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(EdgeregBinary.Path, ["import", "--root", root, "--status-socket", socket, "--json", archive], TestTimeouts.ClientCommand, environment);
}
