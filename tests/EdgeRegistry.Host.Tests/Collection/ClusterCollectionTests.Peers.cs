using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Collection;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Manifests;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Collection;

/// <summary>
/// What a node's collector may decide depends on what its peers hold: deletes replicate and outrank the peers'
/// copies, so a node never deletes on a partial view of the cluster, a delete that did not know a tag loses to it,
/// what a kept image reaches (untagged children, signatures) stays on all three, and pull records do not grow forever.
/// </summary>
public sealed partial class ClusterCollectionTests
{
    private static CollectionSettings Immediate(TimeSpan pullRetention, string? policy = null) => new()
    {
        Interval = TimeSpan.Zero,
        Options = new CollectionOptions
        {
            Grace = TimeSpan.Zero,
            PullRetention = pullRetention,
            Policies = policy is null ? [] : [RetentionRules.ParsePolicy(policy, out _)!],
        },
    };

    private static IRegistryStore StoreOf(InProcessNode node) => node.Services.GetRequiredService<IRegistryStore>();

    private static Task<CollectionReport> CollectAsync(InProcessNode node) =>
        node.Services.GetRequiredService<IGarbageCollection>().RunAsync("test", dryRun: false, CancellationToken.None);

    /// <summary>
    /// Files on every node say the content arrived, not that this node has read its peers' feeds to their end (under
    /// load that comes later): until it has, the collector defers by design, so a test of what it deletes waits for it.
    /// </summary>
    private static Task AwaitSettledViewAsync(InProcessNode node)
    {
        var roots = node.Services.GetRequiredService<IClusterRoots>();
        return Poll.UntilAsync(() => roots.Read() is { Incomplete: null, Unsettled.Count: 0 }, () => $"the cluster view to settle: {roots.Read().Incomplete}");
    }

    [Fact]
    public async Task Collect_BeforeAPeersInventoryWasEverRead_DefersManifestDeletes()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = cluster.Settings(0) with { Collection = Immediate(TimeSpan.Zero) };
        var seeded = RegistryStore.Open(settings.Root);
        var unreferenced = await PushUntaggedAsync(seeded, "unreferenced here, maybe not on the peers");

        // Nodes 2 and 3 are down: whatever they hold (a tag on it, a pull, an index naming it) is unknown here.
        await using var a = await InProcessCluster.StartAsync(settings);
        var report = await CollectAsync(a);

        Assert.Equal(0, report.ManifestsDeleted);
        Assert.True(report.Deferred >= 1, $"deferred {report.Deferred}");
        Assert.Contains(report.Notes, n => n.Contains("not been read to its end", StringComparison.Ordinal));
        Assert.True(File.Exists(new StorePaths(settings.Root).RevisionLink(Repository, unreferenced)));
    }

    [Fact]
    public async Task Delete_ThatDidNotKnowATagSetOnAPartitionedNode_LosesToTheTagOnBothNodes()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = Enumerable.Range(0, 2).Select(i => cluster.Settings(i) with { Collection = Immediate(TimeSpan.FromDays(1)) }).ToList();
        var paths = settings.Select(s => new StorePaths(s.Root)).ToList();
        var seeded = RegistryStore.Open(settings[0].Root);
        var shared = await PushUntaggedAsync(seeded, "tagged on node 2 while node 1 deletes it");

        var a = await InProcessCluster.StartAsync(settings[0]);
        var b = await InProcessCluster.StartAsync(settings[1]);
        await Poll.UntilAsync(() => File.Exists(paths[1].RevisionLink(Repository, shared)), () => "the manifest to reach node 2");

        // Partitioned: node 2 tags the manifest (no new manifest version: a tag of what it holds) ...
        await a.DisposeAsync();
        Assert.True(StoreOf(b).SetTag(Repository, "kept", shared));
        await b.DisposeAsync();
        // ... and node 1, later and not knowing that tag, deletes the manifest by digest.
        a = await InProcessCluster.StartAsync(settings[0]);
        Assert.True(StoreOf(a).DeleteManifest(Repository, shared.ToString()));

        // Healed: the tag wins on both nodes instead of the delete taking it away on node 2.
        b = await InProcessCluster.StartAsync(settings[1]);
        try
        {
            await Poll.UntilAsync(() => StoreOf(a).ListTagTargets(Repository).Any(t => t.Tag == "kept" && t.Digest == shared),
                () => "node 2's tag (and the manifest) to come back to node 1");
            Assert.Contains(StoreOf(b).ListTagTargets(Repository), t => t.Tag == "kept" && t.Digest == shared);
            for (int node = 0; node < 2; node++)
            {
                using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
                using var kept = await http.GetAsync($"/v2/{Repository}/manifests/kept");
                Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            }
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task PullRecords_PastTheRetention_AreForgottenByTheStoreAndEveryInventory()
    {
        var cluster = new InProcessCluster(_temp);
        var retention = TimeSpan.FromSeconds(2);
        var settings = Enumerable.Range(0, 2).Select(i => cluster.Settings(i) with { Collection = Immediate(retention) }).ToList();
        var seeded = RegistryStore.Open(settings[0].Root);
        var pulled = await PushUntaggedAsync(seeded, "pulled once, long ago");

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        await Poll.UntilAsync(() => File.Exists(new StorePaths(settings[1].Root).RevisionLink(Repository, pulled)), () => "the manifest to reach node 2");
        using (var http = cluster.Client(1, TimeSpan.FromSeconds(10)))
        using (var pull = await http.GetAsync($"/v2/{Repository}/manifests/{pulled}"))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }
        await Poll.UntilAsync(() => StoreOf(a).Pulls.LastPulled(pulled) is not null && PullEntries(a) > 0, () => "node 2's pull to reach node 1's records and inventory");
        Assert.True(PullEntries(b) > 0);

        await Task.Delay(retention + TimeSpan.FromSeconds(1));
        await CollectAsync(a);
        await CollectAsync(b);

        foreach (var node in new[] { a, b })
        {
            Assert.Null(StoreOf(node).Pulls.LastPulled(pulled));
            Assert.Equal(0, StoreOf(node).Pulls.Count);
            Assert.Equal(0, PullEntries(node));
        }
    }

    /// <summary>Pull entries in the node's own inventory and in its views of the peers.</summary>
    private static int PullEntries(InProcessNode node)
    {
        var inventories = node.Services.GetRequiredService<PeerSet>().All.Select(p => p.View.Inventory)
            .Append(node.Services.GetRequiredService<LocalInventory>().Inventory);
        return inventories.Sum(i => i.Entries().Count(e => e.Kind == EntryKind.Pull));
    }

    [Fact]
    public async Task Collect_OnFirstNode_KeepsUntaggedChildrenOfATaggedIndexAndSignaturesOfAKeptImageOnAllThree()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = Enumerable.Range(0, 3).Select(i => cluster.Settings(i) with { Collection = Immediate(TimeSpan.Zero) }).ToList();
        var seeded = RegistryStore.Open(settings[0].Root);
        var amd64 = await PushUntaggedAsync(seeded, "release for amd64");
        var arm64 = await PushUntaggedAsync(seeded, "release for arm64");
        var index = await PutManifestAsync(seeded, "release", ManifestMediaTypes.OciIndex, $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestMediaTypes.OciIndex}}","manifests":[
             {{Child(seeded, amd64, "amd64")}},{{Child(seeded, arm64, "arm64")}}]}
            """);
        await StoreContent.PushImageAsync(seeded, Repository.Value, "signed", "a signed image");
        var subject = seeded.ListTagTargets(Repository).Single(t => t.Tag == "signed").Digest;
        var empty = await PutBlobAsync(seeded, "{}"u8.ToArray());
        var signature = await PutManifestAsync(seeded, null, ManifestMediaTypes.OciManifest, $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestMediaTypes.OciManifest}}","artifactType":"application/vnd.example.signature",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{empty}}","size":2},
             "layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{empty}}","size":2}],
             "subject":{{Child(seeded, subject, null)}}}
            """);
        var unreferenced = await PushUntaggedAsync(seeded, "referenced by nothing");

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        await using var c = await InProcessCluster.StartAsync(settings[2]);
        var paths = settings.Select(s => new StorePaths(s.Root)).ToList();
        Digest[] kept = [amd64, arm64, index, subject, signature];
        await Poll.UntilAsync(() => paths.All(p => kept.Append(unreferenced).All(d => File.Exists(p.RevisionLink(Repository, d)))),
            () => "the content to reach all three nodes");
        await AwaitSettledViewAsync(a);

        var report = await CollectAsync(a);

        Assert.Equal(1, report.ManifestsDeleted);
        await Poll.UntilAsync(() => paths.All(p => !File.Exists(p.RevisionLink(Repository, unreferenced))), () => "node 1's delete to reach nodes 2 and 3");
        for (int node = 0; node < 3; node++)
        {
            Assert.All(kept, d => Assert.True(File.Exists(paths[node].RevisionLink(Repository, d)), $"node {node + 1} lost {d}"));
            using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
            foreach (string reference in new[] { "release", amd64.ToString(), arm64.ToString(), "signed", signature.ToString() })
            {
                using var response = await http.GetAsync($"/v2/{Repository}/manifests/{reference}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"node {node + 1}: {reference} answered {response.StatusCode}");
            }
            string referrers = await http.GetStringAsync($"/v2/{Repository}/referrers/{subject}");
            Assert.Contains(signature.ToString(), referrers, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RetentionTagDelete_WhileANodeIsDown_DoesNotComeBackWhenItReturns()
    {
        var cluster = new InProcessCluster(_temp);
        var settings = Enumerable.Range(0, 3).Select(i => cluster.Settings(i) with { Collection = Immediate(TimeSpan.FromDays(1), "apps/* keepLast=1") }).ToList();
        var seeded = RegistryStore.Open(settings[0].Root);
        await StoreContent.PushImageAsync(seeded, Repository.Value, "old", "old release");
        await StoreContent.PushImageAsync(seeded, Repository.Value, "new", "new release");
        var seededPaths = new StorePaths(settings[0].Root);
        File.SetLastWriteTimeUtc(seededPaths.TagCurrentLink(Repository, "old"), DateTime.UtcNow.AddHours(-3));
        File.SetLastWriteTimeUtc(seededPaths.TagCurrentLink(Repository, "new"), DateTime.UtcNow.AddHours(-2));
        var paths = settings.Select(s => new StorePaths(s.Root)).ToList();

        await using var a = await InProcessCluster.StartAsync(settings[0]);
        await using var b = await InProcessCluster.StartAsync(settings[1]);
        var c = await InProcessCluster.StartAsync(settings[2]);
        await Poll.UntilAsync(() => paths.All(p => File.Exists(p.TagCurrentLink(Repository, "old")) && File.Exists(p.TagCurrentLink(Repository, "new"))),
            () => "both tags to reach all three nodes");
        await AwaitSettledViewAsync(a);
        await c.DisposeAsync();

        // Node 3 is down (it keeps "old") while node 1's retention deletes the tag.
        var report = await CollectAsync(a);
        Assert.Equal(1, report.TagsDeleted);
        await Poll.UntilAsync(() => !File.Exists(paths[1].TagCurrentLink(Repository, "old")), () => "the tag delete to reach node 2");

        c = await InProcessCluster.StartAsync(settings[2]);
        try
        {
            await Poll.UntilAsync(() => !File.Exists(paths[2].TagCurrentLink(Repository, "old")), () => "the tag delete to reach node 3 when it returns");
            // Long enough for node 3's old copy to have travelled back had it won (feeds are read every second or so).
            await Task.Delay(TimeSpan.FromSeconds(5));
            for (int node = 0; node < 3; node++)
            {
                Assert.False(File.Exists(paths[node].TagCurrentLink(Repository, "old")), $"the deleted tag came back on node {node + 1}");
                using var http = cluster.Client(node, TimeSpan.FromSeconds(10));
                using var gone = await http.GetAsync($"/v2/{Repository}/manifests/old");
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
                using var kept = await http.GetAsync($"/v2/{Repository}/manifests/new");
                Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            }
        }
        finally
        {
            await c.DisposeAsync();
        }
    }

    /// <summary>A descriptor of a manifest the store holds (with a platform for an index child).</summary>
    private static string Child(RegistryStore store, Digest digest, string? architecture)
    {
        var manifest = store.GetManifest(Repository, digest.ToString())!;
        string platform = architecture is null ? "" : $$""","platform":{"architecture":"{{architecture}}","os":"linux"}""";
        return $$"""{"mediaType":"{{manifest.MediaType}}","digest":"{{digest}}","size":{{manifest.Size}}{{platform}}}""";
    }

    private static async Task<Digest> PutManifestAsync(RegistryStore store, string? tag, string mediaType, string json)
    {
        var content = Encoding.UTF8.GetBytes(json);
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));
        await store.PutManifestAsync(Repository, tag ?? digest.ToString(), mediaType, content, CancellationToken.None);
        return digest;
    }

    private static async Task<Digest> PutBlobAsync(RegistryStore store, byte[] content)
    {
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));
        await store.PutBlobAsync(Repository, digest, PipeReader.Create(new MemoryStream(content)), content.Length, CancellationToken.None);
        return digest;
    }
}
