using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Registry;

/// <summary>
/// The published binary's disk guard on a real 48 MiB tmpfs with `--min-free 16M`: pushes past the limit get 507 with
/// an OCI error body naming the limit, everything pushed before still pulls and verifies with skopeo, and
/// `edgereg status` and `/metrics` say why.
/// </summary>
public sealed class DiskGuardTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Push_PastMinFreeOnRealTmpfs_507NamingLimitEarlierImagesStillPullStatusDegraded()
    {
        using var temp = new TempDirectory("disk-guard");
        await using var tmpfs = await TmpfsMount.MountAsync(temp.Combine("store"), 48L * MiB);
        var socket = temp.Combine("status.sock");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(tmpfs.Path)
        {
            ExtraArguments = ["--min-free", "16M", "--status-socket", socket],
        }, output);
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var roundTrip = new RoundTrip(skopeo, temp);
        var image = TestImages.Image("guard/before", layerCount: 2, layerBytes: 512 * 1024);
        await roundTrip.PushAsync(server.Host, "guard/app", "before", image);

        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        // ~47 MiB free, 16 MiB to keep: a 40 MiB blob with its Content-Length is refused before a byte is stored.
        var big = new byte[40 * MiB];
        new Random(7).NextBytes(big);
        using (var response = await http.PostAsync($"/v2/guard/app/blobs/uploads/?digest={Sha256Digest.Of(big)}", Octets(big)))
        {
            await AssertRefusedAsync(response, "--min-free");
        }

        // Filled by someone else (CRI-O's images share /var): now even a manifest PUT and a new upload are refused.
        tmpfs.Fill("other-service", 32L * MiB);
        await Task.Delay(1100); // the guard's statvfs answer is at most a second old
        using (var response = await http.PutAsync("/v2/guard/app/manifests/after", Manifest(image.Manifest)))
        {
            await AssertRefusedAsync(response, "--min-free");
        }
        using (var response = await http.PostAsync("/v2/guard/app/blobs/uploads/", null))
        {
            await AssertRefusedAsync(response, "--min-free");
        }

        // Serving is never refused: the earlier image pulls and verifies, blob and manifest alike.
        await roundTrip.AssertPullsBackAsync(server.Host, "guard/app", "before", image);

        var status = await ProcessRunner.RunAsync(EdgeregBinary.Path,
            ["status", "--config", server.Options.Root + ".config.json", "--root", tmpfs.Path, "--status-socket", socket, "--json"],
            TestTimeouts.ShortCommand, new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/nonexistent/edgereg-test-bus" });
        Assert.True(status.ExitCode == 1, status.Describe());
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            var report = json.RootElement;
            Assert.Equal("degraded", report.GetProperty("verdict").GetString());
            var guard = report.GetProperty("guard");
            Assert.Equal("over", guard.GetProperty("state").GetString());
            Assert.Equal(16L * MiB, guard.GetProperty("minFreeBytes").GetInt64());
            Assert.True(guard.GetProperty("refusals").GetInt64() >= 3, guard.ToString());
            Assert.Contains("--min-free 16.0 MiB", guard.GetProperty("reason").GetString());
            Assert.Contains(report.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("guard: at-limit", StringComparison.Ordinal));
        }

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("edgereg_guard_state 2\n", metrics);
        Assert.Matches(@"edgereg_guard_refusals_total [3-9]\n", metrics);
        Assert.Contains($"edgereg_guard_min_free_bytes {16L * MiB}\n", metrics);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Push_PastMaxStoreBytes_507NamingLimitAndStreamedUploadCutBack()
    {
        using var temp = new TempDirectory("disk-guard-cap");
        var root = temp.Sub("root");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--max-store-bytes", "4M"] }, output);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
        var small = new byte[MiB];
        new Random(1).NextBytes(small);
        string smallDigest = await OciPush.BlobAsync(http, "guard/cap", small);

        var large = new byte[4 * MiB];
        new Random(2).NextBytes(large);
        using (var response = await http.PostAsync($"/v2/guard/cap/blobs/uploads/?digest={Sha256Digest.Of(large)}", Octets(large)))
        {
            await AssertRefusedAsync(response, "--max-store-bytes");
        }

        // A streamed PATCH without Content-Length is refused once it outgrows the cap. The server answers 507 before it
        // has read the rest of the body, so the client may see the connection cut instead of the answer; either way the
        // upload is cut back to where the request started.
        using var start = await http.PostAsync("/v2/guard/cap/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var content = new StreamContent(new MemoryStream(new byte[12 * MiB]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content })
        {
            patch.Headers.TransferEncodingChunked = true;
            try
            {
                using var response = await http.SendAsync(patch);
                await AssertRefusedAsync(response, "--max-store-bytes");
            }
            catch (HttpRequestException cut) when (cut.InnerException is IOException)
            {
                output.WriteLine($"the refused PATCH's connection was cut while sending: {cut.Message}");
            }
        }
        using (var progress = await http.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.NoContent, progress.StatusCode);
            Assert.Equal("0-0", progress.Headers.GetValues("Range").Single());
        }
        Assert.Matches(@"edgereg_guard_refusals_total [2-9]\n", await http.GetStringAsync("/metrics"));

        using var pulled = await http.GetAsync($"/v2/guard/cap/blobs/{smallDigest}");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(small, await pulled.Content.ReadAsByteArrayAsync());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string limit)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal("DENIED", error.GetProperty("code").GetString());
        Assert.Contains(limit, error.GetProperty("message").GetString());
        Assert.Contains("nothing was stored", error.GetProperty("message").GetString());
    }

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static ByteArrayContent Manifest(OciBlob manifest)
    {
        var content = new ByteArrayContent(manifest.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        return content;
    }
}
