using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Testing.Support;
using Microsoft.Extensions.Logging.Abstractions;
using M = EdgeRegistry.Storage.Testing.Support.Manifests;

namespace EdgeRegistry.Storage.Tests.Collection;

/// <summary>The collector on a real store in a temp directory: what it keeps, what it deletes, and that it says so.</summary>
public sealed class GarbageCollectorTests : IDisposable
{
    private const string Repo = "apps/gc";
    private static readonly RepositoryName RepoName = RepositoryName.Parse(Repo);
    private static readonly CollectionOptions Immediate = new() { Grace = TimeSpan.Zero, PullRetention = TimeSpan.Zero };
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private CollectionReport Collect(CollectionOptions options, bool dryRun = false, TimeProvider? time = null) =>
        new GarbageCollector(_f.Store, options, time ?? TimeProvider.System, NullLogger.Instance).Collect(dryRun, "test");

    private bool HasBlob(Digest digest) => File.Exists(_f.BlobDataPath(digest));

    [Fact]
    public async Task Collect_UntaggedImageAndOrphanBlob_DeletedWhileTaggedImageAndSharedLayersStay()
    {
        var kept = await ImageBuilder.PushOciAsync(_f, Repo, "v1", seed: 1);
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo, seed: 2, layerCount: 1);
        byte[] untaggedManifest = M.OciManifest(config, configBytes.Length, [.. layers, (kept.Layers[0], TestContent.Bytes(1000, 100).Length)]);
        var untagged = await _f.Store.PutManifestAsync(RepoName, ContentHasher.Compute(DigestAlgorithm.Sha256, untaggedManifest).ToString(),
            ManifestMediaTypes.OciManifest, untaggedManifest, CancellationToken.None);
        var orphan = (await _f.PutBlobAsync(Repo, "orphan"u8.ToArray())).Digest;

        var report = Collect(Immediate);

        Assert.Equal((1, 0, 4), (report.ManifestsDeleted, report.TagsDeleted, report.BlobsDeleted)); // manifest, config, layer, orphan
        Assert.Null(_f.Store.GetManifest(RepoName, untagged.Digest.ToString()));
        Assert.False(HasBlob(config) || HasBlob(layers[0].Digest) || HasBlob(orphan) || HasBlob(untagged.Digest));
        Assert.NotNull(_f.Store.GetManifest(RepoName, "v1"));
        Assert.All(kept.Layers.Append(kept.Config).Append(kept.Digest), d => Assert.True(HasBlob(d), $"{d} was collected"));
        Assert.Null(_f.Store.StatBlob(RepoName, orphan));
        Assert.Equal(Repo, Assert.Single(report.Repositories).Repository);
        Assert.True(report.BytesReclaimed > untaggedManifest.Length);
    }

    [Fact]
    public async Task Collect_PushThatStoppedAfterItsBlobs_BlobsAndTheirLinksGoNoLinkLeftDangling()
    {
        // The client uploaded the layers and never sent the manifest: the repository has _layers and no _manifests.
        var stopped = RepositoryName.Parse("apps/stopped");
        var blobs = new[] { (await _f.PutBlobAsync("apps/stopped", TestContent.Bytes(700, 31))).Digest,
            (await _f.PutBlobAsync("apps/stopped", TestContent.Bytes(900, 32))).Digest };

        var report = Collect(Immediate);

        Assert.Equal(2, report.BlobsDeleted);
        Assert.All(blobs, d => Assert.False(HasBlob(d), $"{d} was kept"));
        Assert.All(blobs, d => Assert.False(File.Exists(_f.Store.Paths.LayerLink(stopped, d)), $"the link to {d} was left behind"));
        Assert.All(blobs, d => Assert.Null(_f.Store.StatBlob(stopped, d)));
    }

    [Fact]
    public async Task Collect_DryRun_ReportsTheSameAndDeletesNothing()
    {
        await ImageBuilder.PushOciAsync(_f, Repo, "v1", seed: 1);
        var untagged = await PushUntaggedAsync(seed: 2);
        await _f.PutBlobAsync(Repo, "orphan"u8.ToArray());
        var before = _f.Snapshot();

        var dry = Collect(Immediate, dryRun: true);

        Assert.Equal(before.Keys, _f.Snapshot().Keys);
        Assert.True(dry.DryRun);
        var real = Collect(Immediate);
        Assert.Equal((dry.ManifestsDeleted, dry.BlobsDeleted, dry.BytesReclaimed), (real.ManifestsDeleted, real.BlobsDeleted, real.BytesReclaimed));
        Assert.Null(_f.Store.GetManifest(RepoName, untagged.ToString()));
    }

    [Fact]
    public async Task Collect_WithinGracePeriod_KeepsUntaggedManifestAndOrphan()
    {
        var untagged = await PushUntaggedAsync(seed: 3);
        var orphan = (await _f.PutBlobAsync(Repo, "young orphan"u8.ToArray())).Digest;

        var report = Collect(new CollectionOptions { PullRetention = TimeSpan.Zero }); // default grace: 1 h

        Assert.Equal((0, 0), (report.ManifestsDeleted, report.BlobsDeleted));
        Assert.NotNull(_f.Store.GetManifest(RepoName, untagged.ToString()));
        Assert.True(HasBlob(orphan));
    }

    [Fact]
    public async Task Collect_MultiArchIndexWithUntaggedChildren_KeepsChildrenAndTheirBlobs()
    {
        var amd64 = await PushUntaggedImageAsync(seed: 4);
        var arm64 = await PushUntaggedImageAsync(seed: 5);
        byte[] index = M.Index(ManifestMediaTypes.OciIndex, ManifestMediaTypes.OciManifest,
            (amd64.Digest, amd64.Manifest.Length, "amd64"), (arm64.Digest, arm64.Manifest.Length, "arm64"));
        await _f.Store.PutManifestAsync(RepoName, "multi", ManifestMediaTypes.OciIndex, index, CancellationToken.None);

        var report = Collect(Immediate);

        Assert.Equal((0, 0), (report.ManifestsDeleted, report.BlobsDeleted));
        foreach (var child in new[] { amd64, arm64 })
        {
            Assert.NotNull(_f.Store.GetManifest(RepoName, child.Digest.ToString()));
            Assert.All(child.Layers.Append(child.Config), d => Assert.True(HasBlob(d)));
        }
    }

    [Fact]
    public async Task Collect_ReferrerOfKeptImage_KeptAndReferrerOfCollectedImageCollected()
    {
        var kept = await ImageBuilder.PushOciAsync(_f, Repo, "v1", seed: 6);
        var gone = await PushUntaggedImageAsync(seed: 7);
        var keptSignature = await PushSignatureAsync(kept.Digest, kept.Manifest.Length, seed: 8);
        var goneSignature = await PushSignatureAsync(gone.Digest, gone.Manifest.Length, seed: 9);

        var report = Collect(Immediate);

        Assert.NotNull(_f.Store.GetManifest(RepoName, keptSignature.ToString()));
        Assert.Single(_f.Store.GetReferrers(RepoName, kept.Digest, null));
        Assert.Null(_f.Store.GetManifest(RepoName, goneSignature.ToString()));
        Assert.Null(_f.Store.GetManifest(RepoName, gone.Digest.ToString()));
        Assert.Equal(2, report.ManifestsDeleted);
    }

    [Fact]
    public async Task Collect_UntaggedPulledRecentlyOnAnyNode_KeptAndUnpulledCollected()
    {
        var pulled = await PushUntaggedAsync(seed: 10);
        var stale = await PushUntaggedAsync(seed: 11);
        var later = new ShiftedTime(TimeSpan.FromDays(40)); // both were pushed 40 days before this "now"
        _f.Store.Pulls.Merge(pulled, later.GetUtcNow() - TimeSpan.FromDays(29)); // e.g. another node's CRI-O, by digest

        var report = Collect(new CollectionOptions(), time: later);

        Assert.NotNull(_f.Store.GetManifest(RepoName, pulled.ToString()));
        Assert.Null(_f.Store.GetManifest(RepoName, stale.ToString()));
        Assert.Equal(1, report.ManifestsDeleted);
    }

    [Fact]
    public void PullRecords_Expire_ForgetsOlderPullsTellsItsListenersAndRefusesThemFromPeersLater()
    {
        var old = ContentHasher.Compute(DigestAlgorithm.Sha256, "pulled long ago"u8);
        var recent = ContentHasher.Compute(DigestAlgorithm.Sha256, "pulled today"u8);
        var now = DateTimeOffset.UtcNow;
        _f.Store.Pulls.Merge(old, now - TimeSpan.FromDays(40));
        _f.Store.Pulls.Merge(recent, now - TimeSpan.FromHours(1));
        DateTimeOffset? told = null;
        _f.Store.Pulls.Expired += cutoff => told = cutoff;

        var expired = _f.Store.Pulls.Expire(now - TimeSpan.FromDays(30));

        Assert.Equal([old], expired);
        Assert.Equal(now - TimeSpan.FromDays(30), told);
        Assert.Null(_f.Store.Pulls.LastPulled(old));
        Assert.NotNull(_f.Store.Pulls.LastPulled(recent));
        // A peer that has not expired it yet sends it again: it stays forgotten, and is not written back.
        Assert.True(_f.Store.Pulls.IsExpired(now - TimeSpan.FromDays(40)));
        Assert.False(_f.Store.Pulls.Merge(old, now - TimeSpan.FromDays(40)));
        Assert.Equal(1, _f.Store.Pulls.Count);
        Assert.True(_f.Store.Pulls.Flush());
        var reopened = RegistryStore.Open(_f.Root);
        Assert.Null(reopened.Pulls.LastPulled(old));
        Assert.NotNull(reopened.Pulls.LastPulled(recent));
    }

    [Fact]
    public async Task Collect_RetentionPolicyAndPins_DeletesOnlyTagsNeitherKeptNorPinned()
    {
        for (int i = 0; i < 4; i++) await ImageBuilder.PushOciAsync(_f, Repo, $"build-{i}", seed: 20 + i);
        await ImageBuilder.PushOciAsync(_f, Repo, "release-1", seed: 30);
        await ImageBuilder.PushOciAsync(_f, "other/repo", "build-0", seed: 31);
        var pinned = await ImageBuilder.PushOciAsync(_f, Repo, "pinned-by-digest", seed: 32);
        // Oldest first, a second apart, so "the most recently pushed" is unambiguous.
        var tags = _f.Store.ListTagTargets(RepoName).Select(t => t.Tag).ToList();
        var order = new[] { "build-0", "build-1", "build-2", "release-1", "pinned-by-digest", "build-3" };
        for (int i = 0; i < order.Length; i++)
            File.SetLastWriteTimeUtc(_f.Store.Paths.TagCurrentLink(RepoName, order[i]), DateTime.UtcNow.AddHours(-10 + i));
        var options = Immediate with
        {
            Policies = [RetentionRules.ParsePolicy("apps/* keepTags=release-* keepLast=1", out _)!],
            Pins = [RetentionRules.ParsePin("apps/gc:build-1", out _)!, RetentionRules.ParsePin(pinned.Digest.ToString(), out _)!],
        };

        var report = Collect(options);

        Assert.Equal(6, tags.Count);
        Assert.Equal(["build-1", "build-3", "pinned-by-digest", "release-1"], _f.Store.ListTags(RepoName));
        Assert.Equal(["build-0"], _f.Store.ListTags(RepositoryName.Parse("other/repo")));
        Assert.Equal((2, 2), (report.TagsDeleted, report.ManifestsDeleted));
    }

    [Fact]
    public async Task Collect_UnreadableManifest_KeptAndNoBlobSwept()
    {
        var untagged = await PushUntaggedImageAsync(seed: 40);
        var orphan = (await _f.PutBlobAsync(Repo, "orphan beside damage"u8.ToArray())).Digest;
        var damaged = await ImageBuilder.PushOciAsync(_f, Repo, "v1", seed: 41);
        File.WriteAllText(_f.BlobDataPath(damaged.Digest), "{ not the manifest }");
        var reopened = _f.Reopen(); // drop the manifest cache: the damage is what the collector reads

        var report = new GarbageCollector(reopened, Immediate, TimeProvider.System, NullLogger.Instance).Collect(false, "test");

        Assert.Equal(0, report.BlobsDeleted);
        Assert.True(HasBlob(orphan));
        Assert.All(damaged.Layers, d => Assert.True(HasBlob(d)));
        Assert.Contains(report.Notes, n => n.Contains("no blob was swept", StringComparison.Ordinal));
        Assert.Null(reopened.GetManifest(RepoName, untagged.Digest.ToString()));
    }

    internal async Task<Digest> PushUntaggedAsync(int seed) => (await PushUntaggedImageAsync(seed)).Digest;

    internal async Task<ImageBuilder.PushedImage> PushUntaggedImageAsync(int seed)
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo, seed, layerCount: 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers);
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, manifest);
        await _f.Store.PutManifestAsync(RepoName, digest.ToString(), ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);
        return new ImageBuilder.PushedImage(digest, manifest, config, [.. layers.Select(l => l.Digest)]);
    }

    private async Task<Digest> PushSignatureAsync(Digest subject, long subjectSize, int seed)
    {
        var (config, configBytes, layers) = await ImageBuilder.PushBlobsAsync(_f, Repo, seed, layerCount: 1);
        byte[] manifest = M.OciManifest(config, configBytes.Length, layers, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
            subject: M.Descriptor(ManifestMediaTypes.OciManifest, subject, subjectSize));
        var digest = ContentHasher.Compute(DigestAlgorithm.Sha256, manifest);
        await _f.Store.PutManifestAsync(RepoName, digest.ToString(), ManifestMediaTypes.OciManifest, manifest, CancellationToken.None);
        return digest;
    }

    /// <summary>The real clock moved on by a fixed amount: content written now looks that old to the collector.</summary>
    private sealed class ShiftedTime(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + ahead;
    }
}
