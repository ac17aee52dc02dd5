using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Status;

/// <summary>
/// The native binary runs with the runtime's FileShare locks off (System.IO.DisableFileLocking), so its agent lock
/// and status socket lock are explicit flocks: another process (flock(1), the same flock(2)) is refused while the
/// agent serves and gets them once the agent is killed, with no cleanup of its own.
/// </summary>
public sealed class AgentLocksTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_Running_HoldsAgentAndStatusLocksUntilKilled()
    {
        using var temp = new TempDirectory("agent-locks");
        string root = temp.Sub("root");
        string socket = temp.Combine("status.sock");
        string[] locks = [Path.Combine(root, ".edgereg", "agent.lock"), socket + ".lock"];
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--status-socket", socket] }, output);

        foreach (string held in locks) Assert.Equal(1, await FlockNonBlockingAsync(held));
        await server.KillAsync();

        foreach (string released in locks) Assert.Equal(0, await FlockNonBlockingAsync(released));
    }

    /// <summary>`flock -n PATH true`: 0 when it got the lock, 1 when another process holds it.</summary>
    private static async Task<int> FlockNonBlockingAsync(string path) =>
        (await ProcessRunner.RunAsync("flock", ["-n", "-E", "1", path, "true"], TestTimeouts.ShortCommand)).ExitCode;
}
