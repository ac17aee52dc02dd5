using System.Net;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Health;

/// <summary><c>/healthz</c> on a real host on loopback, over a real store directory.</summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Get_Serving_200OkUncached()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.Path));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok: serving\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task Get_StoreRemovedUnderneath_503NamingTheStore()
    {
        var root = _temp.File("store");
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(root));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // The store's directory replaced by a file: nothing can be read from it any more.
        Directory.Delete(root, recursive: true);
        await File.WriteAllTextAsync(root, "not a store");

        using var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"unhealthy: the store at {root} cannot be read", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_Serving_200WithoutBody()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.Path));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var request = new HttpRequestMessage(HttpMethod.Head, "/healthz");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
