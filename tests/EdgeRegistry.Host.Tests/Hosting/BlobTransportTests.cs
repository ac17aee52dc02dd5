using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>
/// Blob GETs through the real host on edgereg's TCP transport: over plain HTTP the API's blob bodies go out by
/// sendfile, over TLS through the response. The transport's own behaviour (pipelining, refusals, cuts) is
/// tested under a minimal Kestrel in EdgeRegistry.Transport.Tests.
/// </summary>
public sealed class BlobTransportTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BlobGet_PlainHttp_SentFromTheFileAndArrivesIntact()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = Client(registry);
        var blob = RandomBytes(8 << 20);
        var digest = await OciPush.BlobAsync(http, "t/app", blob);
        var counters = Counters(registry);
        long before = counters.FileBytesSent;

        var whole = await http.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/t/app/blobs/{digest}");
        ranged.Headers.Range = new RangeHeaderValue(1_000_000, 1_999_999);
        using var partial = await http.SendAsync(ranged);
        var part = await partial.Content.ReadAsByteArrayAsync();

        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(whole));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(blob.AsSpan(1_000_000, 1_000_000).ToArray(), part);
        Assert.Equal(blob.Length + 1_000_000L, counters.FileBytesSent - before);
    }

    [Fact]
    public async Task BlobGet_OverTls_WrittenThroughTheResponseNotTheFile()
    {
        var pem = SelfSignedPem.Create(_temp);
        var resolved = ServeSettingsResolver.Resolve(
            new CommandLineSettings { Root = _temp.File("root"), TlsCert = pem.CertificateFile, TlsKey = pem.KeyFile }, _ => null);
        var settings = RunningRegistry.Settings(_temp.File("root")) with
        {
            TlsCertificateFile = resolved.Settings!.TlsCertificateFile,
            TlsKeyFile = resolved.Settings.TlsKeyFile,
        };
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var https = new HttpClient(handler) { BaseAddress = registry.BaseAddress, Timeout = Deadline };
        var blob = RandomBytes(4 << 20);
        var digest = await OciPush.BlobAsync(https, "t/app", blob);

        var got = await https.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");

        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(got));
        Assert.Equal(0, Counters(registry).FileBytesSent);
    }

    private static HttpClient Client(RunningRegistry registry) => new() { BaseAddress = registry.BaseAddress, Timeout = Deadline };

    private static TransportCounters Counters(RunningRegistry registry) =>
        ((TcpTransportFactory)registry.Services.GetRequiredService<IConnectionListenerFactory>()).Counters;

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
