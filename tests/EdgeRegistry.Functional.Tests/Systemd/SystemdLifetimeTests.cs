using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Systemd;

/// <summary>
/// The published binary run by a parent named systemd, so Microsoft.Extensions.Hosting.Systemd's SystemdLifetime
/// is the host's lifetime, as on a node: edgereg's READY=1 (with the serving STATUS) comes before the lifetime's
/// bare one, SIGTERM stops it gracefully through the lifetime, and the lifetime's start banner stays out of the log.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SystemdLifetimeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_RunBySystemd_OurReadyFirstThenLifetimesAndGracefulStopOnSigterm()
    {
        using var temp = new TempDirectory("systemd-lifetime");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var seen = new List<string>();
        var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            Environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socket.Path },
            LaunchPrefix = SystemdStandIn.Create(temp.Path),
        }, output);
        await using (server)
        {
            var ours = socket.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Wait, seen);
            Assert.StartsWith($"READY=1\nSTATUS=serving 0 repositories on http://{server.Host}", ours.Message, StringComparison.Ordinal);
            // Only SystemdLifetime sends READY=1 alone: it is in charge, and it spoke second.
            socket.WaitFor(m => m == "READY=1", Wait, seen);

            // Graceful: StopAsync throws when SIGTERM does not end the process in time.
            await server.StopAsync();
            socket.WaitFor(m => m.StartsWith("STOPPING=1\nSTATUS=stopping: ", StringComparison.Ordinal), Wait, seen);
            Assert.DoesNotContain("Application started", server.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Application is shutting down", server.Output, StringComparison.Ordinal);
        }
        Assert.True(seen.FindIndex(m => m.StartsWith("STATUS=recovering store", StringComparison.Ordinal)) is >= 0 and var recovering
            && recovering < seen.FindIndex(m => m.StartsWith("READY=1", StringComparison.Ordinal)), string.Join(" | ", seen));
    }
}
