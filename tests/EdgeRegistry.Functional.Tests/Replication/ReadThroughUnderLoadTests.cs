using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Read-through under concurrent load: many clients ask two nodes at once for blobs only their peer holds — the
/// same blob several times, the same blob under two repositories, and different blobs — and every one of them gets
/// a complete 200 with the right bytes (a redirect to the node itself counts as the way there, as for any client).
/// </summary>
public sealed class ReadThroughUnderLoadTests(ITestOutputHelper output)
{
    private const int ClientsPerBlob = 3;
    private static readonly TimeSpan LoadBound = TimeSpan.FromSeconds(120);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task ConcurrentClients_SameAndDifferentBlobsOnlyAPeerHolds_EveryResponse200WithTheRightBytes()
    {
        // A crawling background copy (64 KiB/s): the layers are not on B or C when the clients ask, or only partly
        // (then a client takes the background copy over). Read-through itself is never capped.
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, ["--replication-bandwidth", "65536"]);
        var cluster = rig.Cluster;
        var first = TestImages.Image("rt-load-first", layerCount: 2, layerBytes: 5 * 1024 * 1024);
        var second = TestImages.Image("rt-load-second", layerCount: 2, layerBytes: 3 * 1024 * 1024);
        await rig.PushAsync(cluster.A, "apps/rt-load-first", "v1", first);
        await rig.PushAsync(cluster.A, "apps/rt-load-shared", "v1", first); // the same blobs under a second repository
        await rig.PushAsync(cluster.A, "apps/rt-load-second", "v1", second);

        List<(string Repository, OciBlob Layer)> wanted =
        [
            .. first.Layers.Select(l => ("apps/rt-load-first", l)),
            .. first.Layers.Select(l => ("apps/rt-load-shared", l)),
            .. second.Layers.Select(l => ("apps/rt-load-second", l)),
        ];
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false }) { Timeout = LoadBound };
        // As a client does, the manifest first: it reads through too, and makes each repository known to the node.
        foreach (var node in new[] { cluster.B, cluster.C })
        {
            foreach (var repository in wanted.Select(w => w.Repository).Distinct())
            {
                using var manifest = await node.Http().GetManifestAsync(repository, "v1");
                Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
            }
        }

        var gets = (from node in new[] { cluster.B, cluster.C }
                    from blob in wanted
                    from client in Enumerable.Range(0, ClientsPerBlob)
                    select GetAsync(http, node, blob.Repository, blob.Layer)).ToList();
        var outcomes = await Task.WhenAll(gets).WaitAsync(LoadBound);

        var failures = outcomes.Where(o => o is not null).ToList();
        var readThroughs = cluster.B.Output.Split("Served blob").Length - 1 + cluster.C.Output.Split("Served blob").Length - 1;
        output.WriteLine($"{gets.Count} concurrent GETs, {failures.Count} failed; {readThroughs} streamed from a peer, the others waited for those");
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + cluster.Logs());

        // What the clients were served was also stored, and nothing corrupt was.
        foreach (var node in new[] { cluster.B, cluster.C })
        {
            foreach (var (repository, layer) in wanted)
            {
                Assert.Null(await GetAsync(http, node, repository, layer));
            }

            StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(node);
        }
    }

    /// <summary>
    /// A node that has just started reads its peers' inventories while it already answers: a blob GET in that moment
    /// (before any manifest, as the benchmark asks) must be read through, not answered 404 because the part of the
    /// peer's inventory naming the repository has not been applied yet.
    /// </summary>
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task WipedNodeJustStarted_BlobGetBeforeAnyManifest_Served()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, ["--replication-bandwidth", "65536"]);
        var cluster = rig.Cluster;
        for (var i = 0; i < 4; i++)
        {
            // Earlier entries in A's feed: the repository asked for comes late in the node's first page.
            await rig.PushAsync(cluster.A, $"apps/rt-start-other{i}", "v1", TestImages.Image($"rt-start-other{i}", layerCount: 1));
        }

        var image = TestImages.Image("rt-start", layerCount: 1, layerBytes: 4 * 1024 * 1024);
        await rig.PushAsync(cluster.A, "apps/rt-start", "v1", image);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false }) { Timeout = LoadBound };
        for (var round = 0; round < 5; round++)
        {
            await cluster.B.StopAsync();
            cluster.B.Wipe();
            await cluster.B.StartAsync();
            var failure = await GetAsync(http, cluster.B, "apps/rt-start", image.Layers[0]);
            Assert.True(failure is null, $"round {round}: {failure}\n{cluster.B.Output}");
        }
    }

    /// <summary>One GET of the blob: null when it answered 200 with exactly its bytes, else what went wrong.</summary>
    private static async Task<string?> GetAsync(HttpClient http, ClusterNode node, string repository, OciBlob layer)
    {
        var url = new Uri(node.BaseAddress, $"/v2/{repository}/blobs/{layer.Digest}");
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }

            var body = await response.Content.ReadAsByteArrayAsync();
            var digest = Sha256Digest.Of(body);
            return body.Length == layer.Size && digest == layer.Digest
                ? null
                : $"GET {url}: 200 with {body.Length} bytes of {digest}, expected {layer.Size} bytes";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return $"GET {url}: {e.GetType().Name}: {e.Message}";
        }
    }
}
