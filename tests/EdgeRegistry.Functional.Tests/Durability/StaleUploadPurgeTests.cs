using System.Diagnostics;
using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Durability;

/// <summary>
/// Uploads abandoned before a restart are removed by the real binary once it is serving (the purge left the
/// path to READY for start-up time), while an upload still within its 24 h stays resumable.
/// </summary>
public sealed class StaleUploadPurgeTests(ITestOutputHelper output)
{
    private const string Repository = "purge/app";

    /// <summary>The server waits 5 s after READY before its first purge; this leaves room for a loaded machine.</summary>
    private static readonly TimeSpan PurgeDeadline = TimeSpan.FromSeconds(60);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Restart_UploadAbandonedTwoDaysAgo_RemovedAfterStartWhileFreshUploadStaysResumable()
    {
        using var temp = new TempDirectory("purge");
        var root = temp.Sub("root");
        var options = new EdgeregOptions(root);
        string stale, fresh;
        await using (var first = await EdgeregServer.StartAsync(options, output))
        {
            stale = await StartUploadWithBytesAsync(first.BaseAddress);
            fresh = await StartUploadWithBytesAsync(first.BaseAddress);
            await first.StopAsync();
        }

        var staleDirectory = UploadDirectory(root, stale);
        var freshDirectory = UploadDirectory(root, fresh);
        Assert.True(Directory.Exists(staleDirectory), "the first run left no upload directory to age");
        Age(staleDirectory, TimeSpan.FromDays(2));

        await using var server = await EdgeregServer.StartAsync(options, output);
        // Serving already (StartAsync waited for /v2/ 200); the purge follows in the background.
        var clock = Stopwatch.StartNew();
        while (Directory.Exists(staleDirectory) && clock.Elapsed < PurgeDeadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(staleDirectory), $"the abandoned upload was still there {PurgeDeadline.TotalSeconds:0} s after start");
        Assert.True(Directory.Exists(freshDirectory));
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        using var freshStatus = await client.GetAsync($"/v2/{Repository}/blobs/uploads/{fresh}");
        Assert.Equal(HttpStatusCode.NoContent, freshStatus.StatusCode);
        Assert.Equal("0-2", string.Join(",", freshStatus.Headers.GetValues("Range")));
        using var staleStatus = await client.GetAsync($"/v2/{Repository}/blobs/uploads/{stale}");
        Assert.Equal(HttpStatusCode.NotFound, staleStatus.StatusCode);
    }

    /// <summary>POST an upload and PATCH three bytes into it; returns the upload id.</summary>
    private static async Task<string> StartUploadWithBytesAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TestTimeouts.HttpRequest };
        using var started = await client.PostAsync($"/v2/{Repository}/blobs/uploads/", content: null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!;
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        var id = path.TrimEnd('/').Split('/')[^1];
        using var chunk = new ByteArrayContent([1, 2, 3]);
        chunk.Headers.TryAddWithoutValidation("Content-Range", "0-2");
        using var patched = await client.PatchAsync(path, chunk);
        Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        return id;
    }

    private static string UploadDirectory(string root, string id) =>
        Path.Combine(root, "docker", "registry", "v2", "repositories", Repository, "_uploads", id);

    private static void Age(string directory, TimeSpan age)
    {
        var then = DateTime.UtcNow - age;
        foreach (var file in Directory.EnumerateFiles(directory)) File.SetLastWriteTimeUtc(file, then);
        Directory.SetLastWriteTimeUtc(directory, then);
    }
}
