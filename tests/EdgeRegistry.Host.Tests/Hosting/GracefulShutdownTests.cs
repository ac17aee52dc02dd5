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

    /// <summary>Polls <c>/v2/</c> until the server answers; bounded to 50 tries over about 10 seconds.</summary>
    private static async Task<HttpStatusCode?> WaitForApiAsync(HttpClient http, Task<int> serving)
    {
        for (var attempt = 0; attempt < 50 && !serving.IsCompleted; attempt++)
        {
            try
            {
                using var response = await http.GetAsync("/v2/");
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        return null;
    }
}
