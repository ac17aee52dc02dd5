using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Import;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Podman;
using EdgeRegistry.Functional.Tests.Replication;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Import;

/// <summary>
/// `edgereg import` on one node of a three-node cluster (the loopback rig, the published binary): what it commits
/// reaches the other two like a push, skopeo and podman pull every image from every node, the mirror sets it renders
/// from the archive's own IDMS/ITMS drive pulls of a source that refuses connections, a blob a differential archive
/// leaves out comes from a peer, and while an import runs the images already in pull on and the new ones are not
/// visible until they are whole.
/// </summary>
public sealed class ImportClusterTests(ITestOutputHelper output)
{
    /// <summary>Nothing listens on port 1 (tcpmux): a source registry that refuses every connection.</summary>
    private const string BlockedRegistry = "127.0.0.1:1";

    /// <summary>Where oc-mirror pushed when it made the archive: the mirror sets it wrote name this registry.</summary>
    private const string OcMirrorTarget = "registry.example.com:5000";

    [PodmanFact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task Import_OnOneNodeOfThree_SkopeoAndPodmanPullEveryImageFromEachNode_RenderedMirrorsPullPastABlockedSource()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        ArchivedImage release = new("openshift/release-images", "4.18.1-x86_64", TestImages.Image("import-cluster-release"));
        ArchivedImage multi = new("ocp/multi", "v1", Index: TestImages.Index("import-cluster-multi"));
        var resources = new Dictionary<string, string>
        {
            ["idms-oc-mirror.yaml"] = OcMirrorArchive.Idms($"{BlockedRegistry}/openshift-release-dev/ocp-release", $"{OcMirrorTarget}/{release.Repository}"),
            ["itms-oc-mirror.yaml"] = OcMirrorArchive.Itms($"{BlockedRegistry}/multi/app", $"{OcMirrorTarget}/{multi.Repository}"),
        };
        string archive = await OcMirrorArchive.WriteAsync(rig.Temp, "media", [release, multi], resources, output);
        string outDir = rig.Temp.Combine("cluster-resources");

        var import = await ImportAsync(cluster.A, ["--output-dir", outDir, "--insecure", .. cluster.Nodes.SelectMany(n => new[] { "--node", n.Host }), Path.GetDirectoryName(archive)!]);

        Assert.True(import.ExitCode == 0, import.Describe());
        using (var report = JsonDocument.Parse(import.StandardOutput))
        {
            Assert.Equal(4, report.RootElement.GetProperty("manifestsImported").GetInt32()); // the release, the index and its two children
            Assert.Equal(2, report.RootElement.GetProperty("tagsSet").GetInt32());
            Assert.Equal(0, report.RootElement.GetProperty("problems").GetArrayLength());
        }

        ExpectedImage[] images = [release.Expected, multi.Expected];
        // Imported on A only: B and C hold full replicas on disk, as after a push to A.
        await rig.AwaitReplicasAsync(cluster.Nodes, images);
        foreach (var node in cluster.Nodes)
        {
            await rig.AssertServesAsync(node, images);
            await AssertPodmanPullsAsync(new Infrastructure.Clients.Podman(rig.Temp.Sub($"podman-{node.Name}")), node.Host, release, multi);
        }

        // The mirror sets and registries.conf rendered from oc-mirror's own, for this cluster: localhost:5000, then each node.
        string conf = Path.Combine(outDir, "99-edgereg-mirrors.conf");
        string rendered = await File.ReadAllTextAsync(conf);
        Assert.Contains($"location = \"{BlockedRegistry}/openshift-release-dev/ocp-release\"", rendered, StringComparison.Ordinal);
        foreach (var node in cluster.Nodes) Assert.Contains($"location = \"{node.Host}/{release.Repository}\"", rendered, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "imagedigestmirrorset.yaml")));
        Assert.True(File.Exists(Path.Combine(outDir, "imagetagmirrorset.yaml")));
        var source = await new Skopeo(rig.Temp.Sub("skopeo-source")).InspectRawAsync($"docker://{BlockedRegistry}/multi/app:v1");
        Assert.False(source.Succeeded, "the source registry must refuse: a pull through the mirrors is what is tested");

        // CRI-O's view: the pull names the source; only the rendered mirrors can answer it.
        // Its own scratch directory: the rig's puller already filled rig.Temp's pull-N layouts.
        using var mirrorPulls = new TempDirectory("import-mirror-pulls");
        var mirrored = new ImagePuller(new Skopeo(mirrorPulls.Sub("skopeo"), conf).RunAsync, mirrorPulls);
        await mirrored.AssertPullsAsync($"docker://{BlockedRegistry}/openshift-release-dev/ocp-release@{release.Expected.RootDigest}", release.Expected);
        await mirrored.AssertPullsAsync($"docker://{BlockedRegistry}/multi/app:v1", multi.Expected);
        var podman = new Infrastructure.Clients.Podman(rig.Temp.Sub("podman-mirrors"), conf);
        string byDigest = $"{BlockedRegistry}/openshift-release-dev/ocp-release@{release.Expected.RootDigest}";
        Assert.True((await podman.PullAsync(byDigest)).Succeeded, $"podman pull {byDigest} through the mirrors failed");
        Assert.Equal(release.Expected.RootDigest, (await podman.ImageDigestAsync(byDigest)).EnsureSuccess().StandardOutput.Trim());
        var byTag = await podman.PullAsync($"{BlockedRegistry}/multi/app:v1");
        Assert.True(byTag.Succeeded, byTag.Describe());
    }

    /// <param name="repository">The archive's repository: the one the peer holds the blob under, or one new to the
    /// cluster (oc-mirror shares blobs across repositories; the peers serve them by digest).</param>
    [Theory(Timeout = TestTimeouts.CrashTestMs)]
    [InlineData("ocp/release")]
    [InlineData("ocp/release-next")]
    public async Task Import_DifferentialArchiveLeavesOutABlobOnlyAPeerHolds_TheImportCopiesItFromThePeer(string repository)
    {
        // Background copies at 32 KiB/s: A's own convergence would need a minute for the 2 MiB base layer, so the
        // import finds it missing and has the agent copy it at once (urgent, past the cap), verified, from B.
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output, ["--replication-bandwidth", "32768"]);
        var cluster = rig.Cluster;
        const int LayerBytes = 2 * 1024 * 1024;
        var first = TestImages.Image("import-diff-release-1", layerCount: 2, layerBytes: LayerBytes);
        ArchivedImage second = new(repository, "4.18.2", TestImages.Image("import-diff-release-2", layerCount: 2, layerBytes: LayerBytes, firstLayerOf: "import-diff-release-1"));
        string shared = first.Layers[0].Digest;
        Assert.Equal(shared, second.Image!.Layers[0].Digest);
        // The second archive of oc-mirror's history: the base layer went to the cluster with the first one.
        string archive = await OcMirrorArchive.WriteAsync(rig.Temp, "media-2", [second], new Dictionary<string, string>(), output, leaveOut: [shared]);
        await rig.PushAsync(cluster.B, "ocp/release", "4.18.1", first);
        // A client on A looks at the release B holds: A reads its manifest through from B, so A knows the repository
        // (as a node that has followed the cluster does) while the base layer is still on B only, crawling at the cap.
        (await new Skopeo(rig.Temp.Sub("skopeo-inspect")).InspectRawAsync($"docker://{cluster.A.Host}/ocp/release:4.18.1")).EnsureSuccess();
        Assert.NotNull(ReplicaInspector.Missing(cluster.A.Root, ExpectedImage.Of("ocp/release", "4.18.1", first)));

        var import = await ImportAsync(cluster.A, [archive]);

        Assert.True(import.ExitCode == 0, import.Describe() + "\n" + cluster.Logs());
        using (var report = JsonDocument.Parse(import.StandardOutput))
        {
            Assert.Equal(1, report.RootElement.GetProperty("manifestsImported").GetInt32());
            Assert.Equal(0, report.RootElement.GetProperty("problems").GetArrayLength());
            Assert.Equal(1, report.RootElement.GetProperty("blobsFetched").GetInt32());
            Assert.True(report.RootElement.GetProperty("blobBytesFetched").GetInt64() > LayerBytes / 2);
        }

        Assert.Contains($"Import fetched blob {shared}", cluster.A.Output, StringComparison.Ordinal);
        // A holds the whole image on its own disk, the peer's copy verified on the way in: B could go down now.
        Assert.Null(ReplicaInspector.Missing(cluster.A.Root, second.Expected));
        await rig.AssertServesAsync(cluster.A, [second.Expected]);
        await rig.AssertServesAsync(cluster.C, [second.Expected]);
    }

    [Fact(Timeout = TestTimeouts.CrashTestMs)]
    public async Task Import_WhileAnImportRuns_ImportedImagesPullFromEveryNodeAndTheNewOnesAppearOnlyWhole()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        ArchivedImage before = new("apps/before", "1", TestImages.Image("import-live-before"));
        ArchivedImage during = new("apps/during", "1", TestImages.Image("import-live-during", layerCount: 4, layerBytes: 2 * 1024 * 1024));
        string first = await OcMirrorArchive.WriteAsync(rig.Temp, "media-1", [before], new Dictionary<string, string>(), output);
        string second = await OcMirrorArchive.WriteAsync(rig.Temp, "media-2", [during], new Dictionary<string, string>(), output);
        Assert.True((await ImportAsync(cluster.A, [first])).ExitCode == 0);
        await rig.AwaitReplicasAsync(cluster.Nodes, [before.Expected]);

        // The second medium is a FIFO fed two thirds of the archive: the import is under way, cut at a known point.
        string fifo = rig.Temp.Combine("live.tar");
        (await ProcessRunner.RunAsync("mkfifo", [fifo], TestTimeouts.ShortCommand)).EnsureSuccess();
        byte[] bytes = await File.ReadAllBytesAsync(second);
        string blobs = Path.Combine(cluster.A.Root, "docker", "registry", "v2", "blobs");
        int blobsBefore = BlobCount(blobs);
        await using var running = BackgroundProcess.Start(EdgeregBinary.Path, ["import", "--root", cluster.A.Root, "--status-socket", cluster.A.StatusSocket!, "--json", fifo]);
        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            await writer.WriteAsync(bytes.AsMemory(0, bytes.Length * 2 / 3));
            await writer.FlushAsync();
            await Eventually.HoldsAsync("the running import committing its first blobs on A", TimeSpan.FromSeconds(60),
                () => BlobCount(blobs) >= blobsBefore + 2 ? null : $"{BlobCount(blobs) - blobsBefore} new blobs");

            foreach (var node in cluster.Nodes)
            {
                // Pulls go on: what is in is served whole from every node.
                await rig.AssertServesAsync(node, [before.Expected]);
                // Nothing of the import in progress is visible: its manifest and tag come only after the whole medium.
                foreach (string reference in new[] { during.Expected.TagReference(node.Host), during.Expected.DigestReference(node.Host) })
                {
                    var inspected = await new Skopeo(rig.Temp.Sub($"skopeo-inspect-{node.Name}")).InspectRawAsync(reference);
                    Assert.False(inspected.Succeeded, $"{reference} is visible before its import finished: {inspected.StandardOutput}");
                    Assert.Contains("manifest unknown", inspected.StandardError, StringComparison.OrdinalIgnoreCase);
                }
            }

            await writer.WriteAsync(bytes.AsMemory(bytes.Length * 2 / 3));
        }

        var finished = await running.WaitForExitAsync(TestTimeouts.ClientCommand);
        Assert.True(finished == 0, $"the import exited {finished}: {running.Output}");
        ExpectedImage[] images = [before.Expected, during.Expected];
        await rig.AwaitReplicasAsync(cluster.Nodes, images);
        foreach (var node in cluster.Nodes) await rig.AssertServesAsync(node, images);
    }

    /// <summary>podman (containers/storage, as CRI-O) pulls each image by tag and by digest from one node.</summary>
    private static async Task AssertPodmanPullsAsync(Infrastructure.Clients.Podman podman, string host, ArchivedImage single, ArchivedImage index)
    {
        foreach (string reference in new[] { $"{host}/{single.Repository}:{single.Tag}", $"{host}/{single.Repository}@{single.Expected.RootDigest}" })
        {
            var pulled = await podman.PullAsync(reference);
            Assert.True(pulled.Succeeded, $"podman pull {reference}: {pulled.Describe()}");
            Assert.Equal(single.Expected.RootDigest, (await podman.ImageDigestAsync(reference)).EnsureSuccess().StandardOutput.Trim());
        }

        // An index: podman takes this machine's platform (linux/amd64), verifying each layer and the config's diff_ids.
        string amd64 = index.Index!.Images.Single(i => i.Architecture == "amd64").Manifest.Digest;
        foreach (string reference in new[] { $"{host}/{index.Repository}:{index.Tag}", $"{host}/{index.Repository}@{index.Expected.RootDigest}" })
        {
            var pulled = await podman.PullAsync(reference);
            Assert.True(pulled.Succeeded, $"podman pull {reference}: {pulled.Describe()}");
            string digest = (await podman.ImageDigestAsync(reference)).EnsureSuccess().StandardOutput.Trim();
            Assert.True(digest == index.Expected.RootDigest || digest == amd64, $"podman recorded {digest} for {reference}");
        }
    }

    private static Task<ProcessResult> ImportAsync(ClusterNode node, string[] arguments) =>
        ProcessRunner.RunAsync(EdgeregBinary.Path, ["import", "--root", node.Root, "--status-socket", node.StatusSocket!, "--json", .. arguments], TestTimeouts.ClientCommand);

    private static int BlobCount(string blobs) =>
        Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "data", SearchOption.AllDirectories).Count() : 0;
}
