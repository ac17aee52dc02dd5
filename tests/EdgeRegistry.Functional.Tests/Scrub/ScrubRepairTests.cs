using System.Net;
using System.Security.Cryptography;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Scrub;

/// <summary>
/// Issue 13, scrub and repair from peers, on three real nodes (the published binary on loopback): damage on one node's
/// disk — a flipped byte, a truncated blob, a removed data file, a corrupt manifest — is found by `edgereg scrub --now`,
/// quarantined, and copied back from a peer, so the bytes on disk match their digests again and every pull works;
/// the same damage on all three nodes leaves the manifest answering 404 everywhere, with a line saying so.
/// </summary>
public sealed class ScrubRepairTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PassBound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task DamageOnOneNode_IsFoundQuarantinedAndRepairedFromAPeer()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var app = TestImages.Image("scrub-app", layerCount: 3);
        var tool = TestImages.Image("scrub-tool", layerCount: 1);
        await PushAsync(cluster.A, "scrub/app", app);
        await PushAsync(cluster.A, "scrub/tool", tool);
        await rig.AwaitReplicasAsync(cluster.Nodes, [ExpectedImage.Of("scrub/app", "v1", app), ExpectedImage.Of("scrub/tool", "v1", tool)]);

        // Node B's disk goes bad under the running agent.
        var layout = new DistributionLayout(cluster.B.Root);
        FlipByte(layout.BlobData(app.Layers[0].Digest));
        Truncate(layout.BlobData(app.Layers[1].Digest));
        File.Delete(layout.BlobData(app.Layers[2].Digest));
        FlipByte(layout.BlobData(tool.Manifest.Digest));
        string[] damaged = [app.Layers[0].Digest, app.Layers[1].Digest, app.Layers[2].Digest, tool.Manifest.Digest];

        var started = DateTimeOffset.UtcNow;
        string socket = rig.Temp.Combine("status-B.sock");
        await ScrubCli.RunAsync(socket, now: true);
        var report = await ScrubCli.AwaitPassEndedAsync(socket, started, PassBound,
            r => r.Long("repaired") >= damaged.Length ? null : $"not all repaired yet: {r}");
        output.WriteLine(report.ToString());

        Assert.Equal(damaged.Length, report.Long("damageFound"));
        Assert.Equal(damaged.Length, report.Long("repaired"));
        Assert.Equal(0, report.GetProperty("unrepaired").GetArrayLength());
        // On disk: every blob whole again and matching its digest; the bad copies kept aside, out of the blob tree.
        foreach (var blob in app.AllObjects.Concat(tool.AllObjects))
        {
            string data = layout.BlobData(blob.Digest);
            Assert.True(File.Exists(data), $"{blob.Digest} was not put back on node B");
            Assert.Equal(blob.Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(data))));
        }
        var quarantined = Directory.GetDirectories(Path.Combine(cluster.B.Root, ".edgereg", "quarantine"));
        Assert.Equal(3, quarantined.Length); // the removed file left nothing to move
        foreach (string digest in damaged)
        {
            Assert.Contains($"Damaged", cluster.B.Output);
            Assert.Contains(digest, cluster.B.Output);
        }
        Assert.Contains("Repaired damaged", cluster.B.Output);

        // Served from B's own store again, byte for byte.
        await rig.AssertServesAsync(cluster.B, [ExpectedImage.Of("scrub/app", "v1", app), ExpectedImage.Of("scrub/tool", "v1", tool)]);
        using var metrics = await new HttpClient().GetAsync(new Uri(cluster.B.BaseAddress, "metrics"));
        string scrape = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("edgereg_scrub_repaired_total 4", scrape);
        Assert.Contains("edgereg_scrub_damaged_total{kind=\"missing-data\"} 1", scrape);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task SameDamageOnEveryNode_ManifestAnswers404EverywhereAndTheLogSaysItCouldNotBeRepaired()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var image = TestImages.Image("scrub-lost", layerCount: 2);
        await PushAsync(cluster.A, "scrub/lost", image);
        await rig.AwaitReplicasAsync(cluster.Nodes, [ExpectedImage.Of("scrub/lost", "v1", image)]);
        string layer = image.Layers[1].Digest;
        foreach (var node in cluster.Nodes) FlipByte(new DistributionLayout(node.Root).BlobData(layer));

        var started = DateTimeOffset.UtcNow;
        foreach (var node in cluster.Nodes) await ScrubCli.RunAsync(rig.Temp.Combine($"status-{node.Name}.sock"), now: true);
        foreach (var node in cluster.Nodes)
        {
            var report = await ScrubCli.AwaitPassEndedAsync(rig.Temp.Combine($"status-{node.Name}.sock"), started, PassBound,
                r => r.GetProperty("unrepaired").GetArrayLength() == 1 ? null : $"the damage is not reported unrepaired yet: {r}");
            Assert.Equal(0, report.Long("repaired"));
            Assert.Contains(layer, report.GetProperty("unrepaired")[0].GetProperty("object").GetString());
        }

        // Each node stops offering the blob at once; the others' views of it learn that from its inventory summary
        // (compared every 30 s), and until then a manifest answer that relies on a peer lives 10 s: bounded by both.
        foreach (var node in cluster.Nodes)
        {
            using var http = node.Http();
            await Eventually.HoldsAsync($"node {node.Name} answering 404 for scrub/lost", TimeSpan.FromSeconds(90), async () =>
            {
                foreach (var reference in new[] { "v1", image.Manifest.Digest })
                {
                    using var response = await http.GetManifestAsync("scrub/lost", reference);
                    if (response.StatusCode != HttpStatusCode.NotFound) return $"scrub/lost:{reference} answered {(int)response.StatusCode}";
                }
                return null;
            });
            using var blob = await http.GetBlobAsync("scrub/lost", layer);
            Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
            Assert.Contains($"{layer} (scrub/lost) could not be repaired", node.Output);
            // The other blobs are sound and still served.
            using var config = await http.GetBlobAsync("scrub/lost", image.Config.Digest);
            Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        }

        // `edgereg status` says so: DEGRADED with the scrub's line.
        var status = await ProcessRunner.RunAsync(EdgeregBinary.Path, ["status", "--json", "--status-socket", rig.Temp.Combine("status-A.sock")],
            TestTimeouts.ShortCommand);
        Assert.Contains("\"scrub: unrepaired", status.StandardOutput);
    }

    private static async Task PushAsync(ClusterNode node, string repository, GeneratedImage image)
    {
        using var http = node.Http();
        foreach (var blob in image.ReferencedBlobs) await http.PushBlobChunkedAsync(repository, blob.Content, chunkBytes: 1024 * 1024);
        await http.PutManifestAsync(repository, "v1", image.Manifest);
    }

    private static void FlipByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length / 2);
    }
}
