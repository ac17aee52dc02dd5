using System.Diagnostics;
using System.Globalization;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Scrub;

/// <summary>
/// The published binary's scrub over a real store: `--scrub-rate` bounds the bytes it reads (counted, with a generous
/// bound: the bucket allows one second of burst and one chunk), and a pass stopped by SIGTERM resumes after the restart
/// from its durable cursor — the bytes hashed before and after add up to the store exactly once.
/// </summary>
public sealed class ScrubResumeTests(ITestOutputHelper output)
{
    private const long Rate = 256 * 1024;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PassStoppedByARestart_ResumesFromItsCursor_AtTheConfiguredRate()
    {
        using var temp = new TempDirectory("scrub-resume");
        string root = temp.Combine("store");
        var options = new EdgeregOptions(root) { ExtraArguments = ["--scrub-rate", "256K"] };
        string socket = root + ".status.sock";
        var image = TestImages.Image("scrub-resume", layerCount: 8, layerBytes: 1024 * 1024);

        await using (var server = await EdgeregServer.StartAsync(options, output))
        {
            using var http = new Infrastructure.Clients.RegistryHttp(server.BaseAddress);
            foreach (var blob in image.ReferencedBlobs) await http.PushBlobChunkedAsync("scrub/resume", blob.Content, chunkBytes: 1024 * 1024);
            await http.PutManifestAsync("scrub/resume", "v1", image.Manifest);

            var clock = Stopwatch.StartNew();
            await ScrubCli.RunAsync(socket, now: true);
            JsonReport report = default;
            await Eventually.HoldsAsync("the first pass a few MiB in", TimeSpan.FromSeconds(60), async () =>
            {
                report = new JsonReport(await ScrubCli.RunAsync(socket));
                return report.PassBytes >= 2L << 20 ? null : $"at {report.PassBytes} bytes";
            });
            AssertWithinRate(report.PassBytes, clock.Elapsed, "the first run");
            await server.StopAsync();
        }

        long total = new DistributionLayout(root).Blobs().Sum(b => new FileInfo(b.DataPath).Length);
        // "1 <started> blobs <last digest done> <bytes> - -": SIGTERM wrote where the pass got to.
        string[] cursor = File.ReadAllText(Path.Combine(root, ".edgereg", "scrub")).Trim().Split(' ');
        output.WriteLine($"cursor after SIGTERM: {string.Join(' ', cursor)}; store holds {total} blob bytes");
        Assert.Equal("blobs", cursor[2]);
        Assert.StartsWith("sha256:", cursor[3]);
        long before = long.Parse(cursor[4], CultureInfo.InvariantCulture);
        Assert.InRange(before, 1, total - 1);

        await using (var server = await EdgeregServer.StartAsync(options, output))
        {
            var resumed = new JsonReport(await ScrubCli.RunAsync(socket));
            Assert.Equal(long.Parse(cursor[1], CultureInfo.InvariantCulture), resumed.PassStartedMs);
            var clock = Stopwatch.StartNew();
            var started = DateTimeOffset.UtcNow;
            await ScrubCli.RunAsync(socket, now: true);
            var ended = new JsonReport(await ScrubCli.AwaitPassEndedAsync(socket, started, TimeSpan.FromSeconds(120)));
            clock.Stop();
            Assert.Contains("Scrub resuming the pass a restart interrupted", server.Output);
            // Exactly the rest: nothing hashed twice, nothing skipped.
            Assert.Equal(total, before + ended.BytesScrubbed);
            AssertWithinRate(ended.BytesScrubbed, clock.Elapsed, "the resumed pass");
            Assert.Equal(0, ended.DamageFound);
        }
    }

    private void AssertWithinRate(long bytes, TimeSpan elapsed, string what)
    {
        // One second of burst and one chunk beyond the rate: anything more means the rate is not kept.
        long bound = (long)(Rate * (elapsed.TotalSeconds + 1)) + Rate;
        output.WriteLine($"{what}: {bytes} bytes in {elapsed.TotalSeconds:F1} s (bound {bound})");
        Assert.True(bytes <= bound, $"{what} read {bytes} bytes in {elapsed.TotalSeconds:F1} s at --scrub-rate {Rate}: more than {bound}");
    }

    private readonly record struct JsonReport(System.Text.Json.JsonElement Json)
    {
        public long PassBytes => Json.Long("passBytes");
        public long BytesScrubbed => Json.Long("bytesScrubbed");
        public long DamageFound => Json.Long("damageFound");
        public long PassStartedMs => Json.GetProperty("passStarted").GetDateTimeOffset().ToUnixTimeMilliseconds();
    }
}
