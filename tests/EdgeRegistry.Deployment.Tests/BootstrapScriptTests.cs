using System.Diagnostics;
using System.Text;
using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// packaging/edgereg-bootstrap.sh (what edgereg-bootstrap.service runs) against real edgereg peers
/// ($EDGEREG_BINARY on 127.0.0.1) holding the binary artifact's layer, with the install path redirected.
/// </summary>
public sealed class BootstrapScriptTests
{
    private const string Repository = "edgereg/edgereg";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Bootstrap_BinaryMissing_FetchesFromPeerVerifiesAndInstallsExecutable()
    {
        using var temp = new TempDirectory();
        var binary = FakeBinary("release 1");
        await using var peer = await EdgeregPeer.StartAsync(temp.Combine("peer"));
        await peer.PushBlobAsync(Repository, binary);
        var target = temp.Combine("bin/edgereg");

        var run = RunScript(temp, target, Sha256Digest.Of(binary), ["127.0.0.1:1", peer.Address]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(binary, File.ReadAllBytes(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(target));
        Assert.Contains($"installed {target}", run.Combined, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, ".edgereg-bootstrap.*"));
    }

    [Fact]
    public async Task Bootstrap_PeerServesWrongBytes_RefusesThemAndInstallsFromNextPeer()
    {
        using var temp = new TempDirectory();
        var binary = FakeBinary("release 2");
        await using var corrupt = await EdgeregPeer.StartAsync(temp.Combine("corrupt"));
        await using var good = await EdgeregPeer.StartAsync(temp.Combine("good"));
        await corrupt.PushBlobAsync(Repository, binary);
        await good.PushBlobAsync(Repository, binary);
        corrupt.CorruptStoredBlob(Sha256Digest.Of(binary));
        var target = temp.Combine("edgereg");
        File.WriteAllBytes(target, FakeBinary("an older release"));

        var run = RunScript(temp, target, Sha256Digest.Of(binary), [corrupt.Address, good.Address]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"peer {corrupt.Address}: served content with sha256:", run.Combined, StringComparison.Ordinal);
        Assert.Contains("refused", run.Combined, StringComparison.Ordinal);
        Assert.Equal(binary, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task Bootstrap_OnlyPeerHoldsDifferentBytes_InstallsNothingAndExitsZero()
    {
        using var temp = new TempDirectory();
        var pinned = FakeBinary("release 3");
        await using var peer = await EdgeregPeer.StartAsync(temp.Combine("peer"));
        await peer.PushBlobAsync(Repository, pinned);
        peer.CorruptStoredBlob(Sha256Digest.Of(pinned));
        var target = temp.Combine("edgereg");

        var run = RunScript(temp, target, Sha256Digest.Of(pinned), [peer.Address]);

        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(target), "a binary that does not match the pin was installed");
        Assert.Contains("refused", run.Combined, StringComparison.Ordinal);
        Assert.Contains("no peer had", run.Combined, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path, ".edgereg-bootstrap.*"));
    }

    [Fact]
    public async Task Bootstrap_PeerHasOtherBlobOnly_InstallsNothing()
    {
        using var temp = new TempDirectory();
        await using var peer = await EdgeregPeer.StartAsync(temp.Combine("peer"));
        await peer.PushBlobAsync(Repository, FakeBinary("some other release"));
        var target = temp.Combine("edgereg");

        var run = RunScript(temp, target, Sha256Digest.Of(FakeBinary("release 4")), [peer.Address]);

        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(target));
        Assert.Contains($"peer {peer.Address}: cannot fetch", run.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_InstalledBinaryMatchesPin_LeavesItAndContactsNoPeer()
    {
        using var temp = new TempDirectory();
        var binary = FakeBinary("release 5");
        var target = temp.Combine("edgereg");
        File.WriteAllBytes(target, binary);
        var before = File.GetLastWriteTimeUtc(target);

        // Port 1 on loopback refuses connections: any attempt would be logged as a failed fetch.
        var run = RunScript(temp, target, Sha256Digest.Of(binary), ["127.0.0.1:1"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Combined);
        Assert.Equal(before, File.GetLastWriteTimeUtc(target));
    }

    [Fact]
    public void Bootstrap_NoPinnedDigest_LogsAndExitsZero()
    {
        using var temp = new TempDirectory();

        var run = RunScript(temp, temp.Combine("edgereg"), digest: string.Empty, ["127.0.0.1:1"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no pinned binary digest", run.Combined, StringComparison.Ordinal);
    }

    private static ToolRun RunScript(TempDirectory temp, string target, string digest, string[] members)
    {
        var config = temp.Combine("config.json");
        // The shape generate.py writes: members spread over several lines.
        File.WriteAllText(config, "{\n  \"listen\": [\"0.0.0.0:5000\"],\n  \"members\": [\n"
            + string.Join(",\n", members.Select(member => $"    \"{member}\"")) + "\n  ]\n}\n");
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(RepositoryFiles.Root, "packaging", "edgereg-bootstrap.sh") },
        };
        start.Environment["EDGEREG_BOOTSTRAP_TARGET"] = target;
        start.Environment["EDGEREG_BOOTSTRAP_CONFIG"] = config;
        start.Environment["EDGEREG_BINARY_DIGEST"] = digest;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ScriptTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"edgereg-bootstrap.sh did not finish within {ScriptTimeout}");
        }

        return new ToolRun(process.ExitCode, output.Result, error.Result);
    }

    private static byte[] FakeBinary(string release) => Encoding.UTF8.GetBytes($"#!/bin/sh\necho 'fake edgereg {release}'\n");
}
