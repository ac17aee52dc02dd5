using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Systemd;

/// <summary>
/// The published binary under a stand-in for systemd's Type=notify protocol: READY only after recovery and
/// binding, watchdog pings while the process can serve (a full or unwritable store is degraded, not restarted; a
/// store that cannot be read is), STOPPING on SIGTERM.
/// </summary>
public sealed class ServiceNotificationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_UnderNotifySocket_RecoveringThenReadyThenWatchdogThenStopping()
    {
        using var temp = new TempDirectory("notify");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var seen = new List<string>();
        var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            Environment = new Dictionary<string, string>
            {
                ["NOTIFY_SOCKET"] = socket.Path,
                ["WATCHDOG_USEC"] = "400000",
            },
        }, output);
        await using (server)
        {
            socket.WaitFor(m => m.StartsWith("STATUS=recovering store", StringComparison.Ordinal), Wait, seen);
            var ready = socket.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Wait, seen);
            Assert.Contains($"STATUS=serving 0 repositories on http://{server.Host}", ready.Message, StringComparison.Ordinal);

            // Pinged at half of WATCHDOG_USEC (200 ms): two pings arrive well within a few seconds.
            socket.WaitFor(m => m == "WATCHDOG=1", Wait, seen);
            socket.WaitFor(m => m == "WATCHDOG=1", Wait, seen);

            await server.StopAsync();
            socket.WaitFor(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), Wait, seen);
        }
        Assert.True(seen.IndexOf(seen.First(m => m.StartsWith("READY=1", StringComparison.Ordinal)))
            > seen.IndexOf(seen.First(m => m.StartsWith("STATUS=recovering", StringComparison.Ordinal))));
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StoreBecomesUnwritable_DegradedStatusWatchdogStillFedPullsServed()
    {
        using var temp = new TempDirectory("watchdog");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var root = temp.Sub("root");
        var seen = new List<string>();
        await using var server = await StartUnderWatchdogAsync(root, socket);
        socket.WaitFor(m => m == "WATCHDOG=1", Wait, seen);

        // The store's temp area vanishing breaks every write; replacing it with a file keeps it broken.
        var tempArea = Path.Combine(root, ".edgereg", "tmp");
        Directory.Delete(tempArea, recursive: true);
        await File.WriteAllTextAsync(tempArea, "not a directory");

        await AssertDegradedButServingAsync(server, socket, seen);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StoreOnFullTmpfs_DegradedStatusWatchdogStillFedPullsServed()
    {
        using var temp = new TempDirectory("watchdog-full");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var root = temp.Sub("root");
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", root);
        try
        {
            var seen = new List<string>();
            await using (var server = await StartUnderWatchdogAsync(root, socket))
            {
                socket.WaitFor(m => m == "WATCHDOG=1", Wait, seen);
                FillUp(Path.Combine(root, "filler"));

                await AssertDegradedButServingAsync(server, socket, seen);
                Assert.Contains("No space left on device", seen.Last(m => m.StartsWith("STATUS=degraded: ", StringComparison.Ordinal)));

                // A push to the full disk: 507 with an OCI body, /healthz still 200 (pulls are served), and the log
                // says it in one warning line, with no stack trace from edgereg or from Kestrel's body drain.
                using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var blob = new byte[1 << 20];
                Random.Shared.NextBytes(blob);
                using var push = await http.PostAsync($"/v2/full/app/blobs/uploads/?digest={Sha256Digest.Of(blob)}", new ByteArrayContent(blob));
                Assert.Equal(System.Net.HttpStatusCode.InsufficientStorage, push.StatusCode);
                using var health = await http.GetAsync("/healthz");
                Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
                Assert.StartsWith("degraded: ", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                await Task.Delay(300);
                Assert.Contains("Storage full on POST full/app", server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("automatic draining", server.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            await RunAsync("umount", root);
        }
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StoreCannotBeRead_WatchdogPingsStopAndStatusSaysWhy()
    {
        using var temp = new TempDirectory("watchdog-unreadable");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var root = temp.Sub("root");
        var seen = new List<string>();
        await using var server = await StartUnderWatchdogAsync(root, socket);
        socket.WaitFor(m => m == "WATCHDOG=1", Wait, seen);

        // The whole store replaced by a file: nothing can be read or written, a restart is the remedy.
        Directory.Delete(root, recursive: true);
        await File.WriteAllTextAsync(root, "not a store");

        socket.WaitFor(m => m.StartsWith("STATUS=unhealthy: ", StringComparison.Ordinal), Wait, seen);
        var afterUnhealthy = new List<string>();
        var quiet = Assert.Throws<TimeoutException>(() => socket.WaitFor(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(2), afterUnhealthy));
        Assert.DoesNotContain("WATCHDOG=1", afterUnhealthy);
        Assert.NotNull(quiet);
    }

    private Task<EdgeregServer> StartUnderWatchdogAsync(string root, NotifySocket socket) =>
        EdgeregServer.StartAsync(new EdgeregOptions(root)
        {
            Environment = new Dictionary<string, string>
            {
                ["NOTIFY_SOCKET"] = socket.Path,
                ["WATCHDOG_USEC"] = "400000",
            },
        }, output);

    /// <summary>A degraded STATUS, then the watchdog still fed at its pace, and a pull-side request still answered.</summary>
    private static async Task AssertDegradedButServingAsync(EdgeregServer server, NotifySocket socket, List<string> seen)
    {
        socket.WaitFor(m => m.StartsWith("STATUS=degraded: ", StringComparison.Ordinal), Wait, seen);
        var afterDegraded = new List<string>();
        socket.WaitFor(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(2), afterDegraded);
        seen.AddRange(afterDegraded);
        Assert.DoesNotContain(seen, m => m.StartsWith("STATUS=unhealthy", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/v2/");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Writes until the file system refuses more (bounded by the tmpfs's own size).</summary>
    private static void FillUp(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            for (int i = 0; i < 1024; i++) file.Write(chunk);
            throw new InvalidOperationException($"{path}: 64 MiB written to a 4 MiB tmpfs without ENOSPC");
        }
        catch (IOException)
        {
            // Full, as intended.
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(command, arguments, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Output}");
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StandAloneWhileServing_StatusRefreshedWithoutSyncing()
    {
        using var temp = new TempDirectory("notify-status");
        using var socket = new NotifySocket(temp.Combine("notify.sock"));
        var seen = new List<string>();
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            Environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socket.Path },
        }, output);
        socket.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Wait, seen);

        // A refresh of its own (not the READY datagram) within one interval (10 s) plus slack.
        var refresh = socket.WaitFor(m => m.StartsWith("STATUS=serving", StringComparison.Ordinal), Wait + TimeSpan.FromSeconds(10), seen);

        // The same listeners READY named (the status socket included); no syncing part without peers.
        Assert.StartsWith($"STATUS=serving 0 repositories on http://{server.Host}", refresh.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("syncing", refresh.Message, StringComparison.Ordinal);
    }
}
