using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Streaming;

/// <summary>
/// Uploads and downloads stream: a 64 MiB blob must not lift the server's peak RSS near its size. (The
/// 2 GiB-class check lives in the benchmark; this tier keeps to what runs in seconds.)
/// </summary>
public sealed class BlobMemoryTests(ITestOutputHelper output)
{
    private const long BlobBytes = 64L * 1024 * 1024;
    private const long PeakRssLimitBytes = 100L * 1024 * 1024;
    private const int Seed = 64;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PushAndPull_64MiBBlob_PeakRssStaysUnder100MB()
    {
        using var temp = new TempDirectory("memory");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        string digest;
        using (var once = new PseudoRandomStream(Seed, BlobBytes))
        {
            digest = Sha256Digest.OfStream(once);
        }

        using var http = new RegistryHttp(server.BaseAddress);
        await http.PushBlobStreamedAsync("memory/repo", new PseudoRandomStream(Seed, BlobBytes), digest);

        using (var response = await http.GetBlobAsync("memory/repo", digest))
        {
            await RegistryHttp.ExpectAsync(response, HttpStatusCode.OK, "GET 64 MiB blob");
            Assert.Equal(BlobBytes, response.Content.Headers.ContentLength);
            await using var body = await response.Content.ReadAsStreamAsync();
            Assert.Equal(digest, Sha256Digest.OfStream(body));
        }

        var peak = server.PeakResidentBytes();
        output.WriteLine($"edgereg peak RSS after a 64 MiB push and pull: {peak / (1024 * 1024)} MiB");
        Assert.True(peak < PeakRssLimitBytes, $"edgereg peak RSS (VmHWM) was {peak / (1024 * 1024)} MiB after a 64 MiB push and pull");
        Assert.Equal(digest, Sha256Digest.OfFile(new Infrastructure.Store.DistributionLayout(server.Options.Root).BlobData(digest)));
    }
}
