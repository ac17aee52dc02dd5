using System.Net;
using System.Security.Cryptography;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Replication;

/// <summary>
/// A wiped member rehydrating a mirror of small objects from its peer, both real in-process members over real
/// loopback sockets, the third member never started. The source store was written as registry:2 would have left it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RehydrationTests : IDisposable
{
    private const int Repositories = 400; // x 6 objects: 2,400 small objects
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // ~6 s on an idle 2-core machine; bounded for a loaded one
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Rehydrate_WipedMemberFromRegistry2Store_EveryObjectVerifiedServedAndCounted()
    {
        var cluster = new InProcessCluster(_temp);
        var source = cluster.Settings(0);
        var digests = DistributionStoreWriter.Write(source.Root, Repositories);
        var wiped = cluster.Settings(1);
        await using var a = await InProcessCluster.StartAsync(source);
        var b = await InProcessCluster.StartAsync(wiped);
        try
        {
            await RehydratedAsync(cluster, b, digests);
        }
        finally
        {
            await b.DisposeAsync();
        }

        // What B held, a fresh store sees after it stopped: committed, linked into its repository.
        var reopened = RegistryStore.Open(wiped.Root);
        foreach (string digest in digests.Take(60))
        {
            Assert.True(Digest.TryParse(digest, out var parsed));
            Assert.NotNull(reopened.BlobLength(parsed));
        }
        Assert.NotNull(reopened.GetManifest(RepositoryName.Parse(DistributionStoreWriter.Repository(0)), DistributionStoreWriter.Tag));
    }

    private static async Task RehydratedAsync(InProcessCluster cluster, InProcessNode b, List<string> digests)
    {
        var wiped = b.Settings;

        var deadline = DateTime.UtcNow + Bound;
        var missing = digests.ToList();
        while (missing.Count > 0 && DateTime.UtcNow < deadline)
        {
            missing.RemoveAll(d => File.Exists(DistributionStoreWriter.BlobData(wiped.Root, d)));
            if (missing.Count > 0) await Task.Delay(200);
        }
        Assert.Empty(missing);

        // Every object holds exactly the bytes its digest names, and every tag resolves on B itself.
        foreach (string digest in digests)
            Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(DistributionStoreWriter.BlobData(wiped.Root, digest)))));
        using var client = cluster.Client(1, TimeSpan.FromSeconds(30));
        for (int r = 0; r < Repositories; r += 37)
        {
            using var response = await client.GetAsync($"/v2/{DistributionStoreWriter.Repository(r)}/manifests/{DistributionStoreWriter.Tag}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // B's status counts follow the rehydration on their own (no request recounts), within the census period.
        var census = b.Services.GetRequiredService<CachedStoreCensus>();
        StoreCounts? counts = null;
        for (var until = DateTime.UtcNow + CachedStoreCensus.MinPeriod + TimeSpan.FromSeconds(20); DateTime.UtcNow < until; await Task.Delay(250))
        {
            counts = (await census.GetAsync(CancellationToken.None))?.Counts;
            if (counts?.Blobs == digests.Count) break;
        }
        Assert.Equal((Repositories, Repositories, (long)digests.Count), (counts?.Repositories, counts?.Manifests, counts?.Blobs));

    }
}
