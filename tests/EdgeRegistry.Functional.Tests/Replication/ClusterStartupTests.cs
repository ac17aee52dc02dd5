using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// A node whose cluster settings cannot be trusted refuses to start, naming the problem: a secret file others
/// can read, a missing one, or a member list that does not contain the node itself.
/// </summary>
public sealed class ClusterStartupTests
{
    [Theory(Timeout = TestTimeouts.TestMs)]
    [InlineData("world-readable", "chmod 600")]
    [InlineData("missing", "does not exist")]
    [InlineData("self-not-a-member", "none of the members")]
    public async Task Serve_UntrustworthyClusterSettings_ExitsNonZeroNamingTheProblem(string fault, string expectedMessage)
    {
        using var temp = new TempDirectory("cluster-startup");
        var port = FreePort.Next();
        var secret = temp.Combine("cluster.secret");
        if (fault != "missing")
        {
            ClusterSecretFile.Create(secret, fault == "world-readable"
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Without itself: every member is another loopback address, none of which this node listens on.
        var members = fault == "self-not-a-member" ? new[] { "127.0.0.2", "127.0.0.3", "127.0.0.5" } : ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
        var config = temp.Combine("config.json");
        await File.WriteAllTextAsync(config, "{}");
        var result = await ProcessRunner.RunAsync(EdgeregBinary.Path,
        [
            "serve", "--listen", $"127.0.0.1:{port}", "--root", temp.Sub("store"), "--config", config, "--anonymous-writes",
            .. members.SelectMany(member => new[] { "--member", $"{member}:{port}" }),
            "--cluster-secret-file", secret, "--status-socket", temp.Combine("status.sock"),
        ], TestTimeouts.ShortCommand);

        Assert.True(result.ExitCode != 0, $"edgereg started with {fault}: {result.Describe()}");
        Assert.True((result.StandardError + result.StandardOutput).Contains(expectedMessage, StringComparison.Ordinal),
            $"edgereg refused {fault} without saying \"{expectedMessage}\": {result.Describe()}");
    }
}
