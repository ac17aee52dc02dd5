using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Status;

/// <summary>The published binary: `serve` with a status socket, and `edgereg status` reading it, then reading the store alone.</summary>
public sealed class StatusCommandTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Status_AgentUpThenStopped_DegradedWithoutSystemdFromAgentThenDownFromStore()
    {
        using var temp = new TempDirectory("status");
        var root = temp.Sub("root");
        var socket = temp.Combine("run", "edgereg", "status.sock");
        var config = temp.Combine("status-config.json");
        await File.WriteAllTextAsync(config, "{}");
        string[] status = ["status", "--config", config, "--root", root, "--status-socket", socket, "--json"];
        var server = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--status-socket", socket] }, output);
        var pid = server.Pid;
        ProcessResult up;
        await using (server)
        {
            up = await RunStatusAsync(status);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
            await server.StopAsync();
        }

        var down = await RunStatusAsync(status);

        // No systemd on this machine: the units are unknown, and unknown is not healthy.
        Assert.True(up.ExitCode == 1, up.Describe());
        using (var json = JsonDocument.Parse(up.StandardOutput))
        {
            var report = json.RootElement;
            Assert.Equal("degraded", report.GetProperty("verdict").GetString());
            // The temp directory's file system may be at risk too (on this machine: ext4 without a journal).
            Assert.All(report.GetProperty("problems").EnumerateArray().Where(p => !p.GetString()!.StartsWith("filesystem:", StringComparison.Ordinal)),
                p => Assert.Contains(": unknown, systemd not reachable", p.GetString(), StringComparison.Ordinal));
            Assert.Equal(pid, report.GetProperty("agent").GetProperty("pid").GetInt32());
            Assert.True(report.GetProperty("agent").GetProperty("ready").GetBoolean());
            Assert.Equal([$"http://{server.Host}"], report.GetProperty("agent").GetProperty("listen").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("agent", report.GetProperty("storeReadFrom").GetString());
            Assert.Equal(root, report.GetProperty("store").GetProperty("root").GetString());
            Assert.False(report.GetProperty("systemd").GetProperty("reachable").GetBoolean());
        }

        Assert.True(down.ExitCode == 2, down.Describe());
        using (var json = JsonDocument.Parse(down.StandardOutput))
        {
            var report = json.RootElement;
            Assert.Equal("down", report.GetProperty("verdict").GetString());
            Assert.False(report.GetProperty("agent").GetProperty("running").GetBoolean());
            Assert.Equal("store", report.GetProperty("storeReadFrom").GetString());
            Assert.Equal(0, report.GetProperty("store").GetProperty("repositories").GetInt32());
            Assert.Equal(JsonValueKind.Null, report.GetProperty("store").GetProperty("lastError").ValueKind);
        }
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Status_HumanOutputAgentUp_VerdictThenAlignedLines()
    {
        using var temp = new TempDirectory("status-human");
        var root = temp.Sub("root");
        var socket = temp.Combine("status.sock");
        var config = temp.Combine("status-config.json");
        await File.WriteAllTextAsync(config, "{}");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--status-socket", socket] }, output);

        var result = await RunStatusAsync(["status", "--config", config, "--status-socket", socket]);

        output.WriteLine(result.StandardOutput);
        Assert.True(result.ExitCode == 1, result.Describe());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("DEGRADED", lines[0]);
        Assert.StartsWith("agent            ready    edgereg ", lines[1], StringComparison.Ordinal);
        Assert.Contains($"pid {server.Pid}", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"store            ok       {root}: 0 repositories, 0 manifests, 0 blobs, 0 B (counted ", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("filesystem       ", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("guard            ok       within --min-free 15%", lines[4], StringComparison.Ordinal);
        Assert.Equal(["edgereg.service", "crio.service", "kubelet.service", "gc", "scrub"], lines[5..].Select(line => line.Split(' ')[0]));
        Assert.DoesNotContain('\u001b', result.StandardOutput);
    }

    /// <summary>
    /// A store put on tmpfs (an operator's mistake that looks fine until the first reboot): the agent warns at start,
    /// and `edgereg status` says the file system is at risk, which makes the node DEGRADED.
    /// </summary>
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Status_StoreOnTmpfs_WarnedAtStartAndFileSystemAtRisk()
    {
        using var temp = new TempDirectory("status-tmpfs");
        await using var tmpfs = await TmpfsMount.MountAsync(temp.Combine("mnt"), 64L << 20);
        var root = Path.Combine(tmpfs.Path, "local-registry");
        var socket = temp.Combine("status.sock");
        var config = temp.Combine("status-config.json");
        await File.WriteAllTextAsync(config, "{}");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--status-socket", socket] }, output);

        var result = await RunStatusAsync(["status", "--config", config, "--status-socket", socket, "--json"]);

        Assert.Contains($"The store {root} is on tmpfs on tmpfs at {tmpfs.Path}: the store is on tmpfs, in memory", server.Output, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 1, result.Describe());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var fileSystem = json.RootElement.GetProperty("store").GetProperty("fileSystem");
        Assert.Equal(("tmpfs", tmpfs.Path), (fileSystem.GetProperty("type").GetString(), fileSystem.GetProperty("mountPoint").GetString()));
        Assert.Contains(json.RootElement.GetProperty("problems").EnumerateArray(),
            p => p.GetString()!.StartsWith("filesystem: at-risk, tmpfs on tmpfs at ", StringComparison.Ordinal));
    }

    /// <summary>Runs `edgereg status` with no system bus (this machine has no systemd), isolated from EDGEREG_* variables.</summary>
    private static Task<ProcessResult> RunStatusAsync(string[] arguments) => ProcessRunner.RunAsync(
        EdgeregBinary.Path, arguments, TestTimeouts.ShortCommand,
        new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/nonexistent/edgereg-test-bus" });
}
