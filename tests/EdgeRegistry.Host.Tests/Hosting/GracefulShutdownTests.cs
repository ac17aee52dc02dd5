using System.Diagnostics;
using System.Net;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Hosting;

public sealed class GracefulShutdownTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Serve_StopRequested_StopsListeningAndExitsZero()
    {
        var port = FreePort.Next();
        var process = new CapturedProcess();
        using var stop = new CancellationTokenSource();
        var serving = process.RunAsync(
            ["serve", "--listen", $"127.0.0.1:{port}", "--root", _temp.File("root"), "--log-level", "warning", "--shutdown-timeout", "2", "--anonymous-writes"],
            stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal(HttpStatusCode.OK, await WaitForApiAsync(http, serving));
        stop.Cancel();
        var finished = await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(serving, finished);
        Assert.Equal(0, await serving);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/v2/"));
    }

    [Fact]
    public async Task Serve_StopDuringUpload_RefusesNewConnectionsButFinishesTheUpload()
    {
        var port = FreePort.Next();
        var process = new CapturedProcess();
        using var stop = new CancellationTokenSource();
        var serving = process.RunAsync(
            ["serve", "--listen", $"127.0.0.1:{port}", "--root", _temp.File("root"), "--log-level", "warning", "--shutdown-timeout", "10", "--anonymous-writes"],
            stop.Token);
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        Assert.Equal(HttpStatusCode.OK, await WaitForApiAsync(http, serving));
        using var started = await http.PostAsync("/v2/host-tests/shutdown/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        // The first part is larger than the store's 1 MiB write buffer, so the upload's status shows it arriving.
        const int firstPart = 3 * 1024 * 1024, secondPart = 64 * 1024;
        var content = new GatedContent(new byte[firstPart], new byte[secondPart]);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, started.Headers.Location) { Content = content };

        var uploading = http.SendAsync(patch);
        await content.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(10));
        // The client having flushed the first part does not mean the server has begun the request: a connection
        // whose request headers Kestrel has not parsed yet counts as idle and is closed at shutdown (CI saw it).
        Assert.True(await ServerStoresBytesAsync(http, started.Headers.Location!),
            "the server never began to store the upload");
        stop.Cancel();
        var refusedNewConnection = await RefusesNewConnectionAsync(baseAddress);
        content.Release();
        using var uploaded = await uploading;
        var exitCode = await serving.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(refusedNewConnection, "a new connection was accepted after shutdown began");
        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);
        Assert.Equal($"0-{firstPart + secondPart - 1}", uploaded.Headers.GetValues("Range").Single());
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task ServeProcess_Sigterm_ExitsZero()
    {
        var port = FreePort.Next();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "edgereg.dll"), "serve", "--listen", $"127.0.0.1:{port}",
                "--root", _temp.File("root"), "--anonymous-writes",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var server = Process.Start(start)!;
        var output = server.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            Assert.Equal(HttpStatusCode.OK, await WaitForApiAsync(http, server.WaitForExitAsync().ContinueWith(_ => server.ExitCode)));

            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await server.WaitForExitAsync(deadline.Token);
            Assert.Equal(0, server.ExitCode);
            Assert.Contains("Stopped", await output);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    /// <summary>
    /// True once a fresh connection is refused; bounded to 25 tries within about 10 seconds. A connection that is
    /// accepted but never answered is not a refusal: the client's timeout (TaskCanceledException) just tries again.
    /// </summary>
    private static async Task<bool> RefusesNewConnectionAsync(Uri baseAddress)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 25 && deadline.Elapsed < TimeSpan.FromSeconds(10); attempt++)
        {
            using var fresh = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
            try
            {
                using var response = await fresh.GetAsync("/v2/");
            }
            catch (HttpRequestException)
            {
                return true;
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        return false;
    }

    /// <summary>
    /// True once the upload's status shows a megabyte or more stored, i.e. the PATCH is being handled; bounded to
    /// 100 tries within 10 seconds.
    /// </summary>
    private static async Task<bool> ServerStoresBytesAsync(HttpClient http, Uri upload)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 100 && deadline.Elapsed < TimeSpan.FromSeconds(10); attempt++)
        {
            using var status = await http.GetAsync(upload);
            if (status.StatusCode == HttpStatusCode.NoContent
                && status.Headers.TryGetValues("Range", out var range)
                && long.Parse(range.Single().Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1024 * 1024 - 1)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>
    /// Polls <c>/v2/</c> until the server answers; bounded to 100 tries within 30 seconds, which a server started
    /// under the JIT on a loaded two-core CI machine needs. Slow answers (client timeouts) are retried too.
    /// </summary>
    private static async Task<HttpStatusCode?> WaitForApiAsync(HttpClient http, Task<int> serving)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 100 && !serving.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(30); attempt++)
        {
            try
            {
                using var response = await http.GetAsync("/v2/");
                return response.StatusCode;
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200);
            }
        }

        return null;
    }
}
