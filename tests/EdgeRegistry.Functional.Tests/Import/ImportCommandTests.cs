using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Import;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Import;

/// <summary>
/// The published binary's `edgereg import` of an oc-mirror v2 archive made from a real Distribution-layout store
/// (images pushed by skopeo, the tree tarred by GNU tar as oc-mirror archives it), with the agent running and stopped.
/// </summary>
public sealed class ImportCommandTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Resources = new()
    {
        ["idms-oc-mirror.yaml"] = OcMirrorArchive.Idms("quay.io/openshift-release-dev/ocp-release", "registry.example.com:5000/openshift/release-images"),
        ["cs-redhat-operator-index-v4-18.yaml"] = "apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\n",
    };

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Import_OcMirrorV2ArchiveWithAgentRunning_AgentServesEveryImageByTagAndDigestAndMirrorSetsRendered()
    {
        using var temp = new TempDirectory("import-agent");
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var image = TestImages.Image("import-release");
        var index = TestImages.Index("import-multi");
        string archive = await OcMirrorArchive.WriteAsync(temp, "media", [new("openshift/release-images", "4.18.1-x86_64", image), new("ocp/multi", "v1", Index: index)], Resources, output);
        string root = temp.Sub("root"), socket = temp.Combine("status.sock"), outDir = temp.Combine("out");
        await using var agent = await EdgeregServer.StartAsync(new EdgeregOptions(root) { ExtraArguments = ["--status-socket", socket] }, output);

        var import = await RunImportAsync(["--root", root, "--status-socket", socket, "--output-dir", outDir, "--node", "10.0.0.1:5000", "--json", Path.GetDirectoryName(archive)!]);

        Assert.True(import.ExitCode == 0, import.Describe());
        using (var json = JsonDocument.Parse(import.StandardOutput))
        {
            Assert.Equal(2, json.RootElement.GetProperty("repositories").GetInt32());
            Assert.Equal(4, json.RootElement.GetProperty("manifestsImported").GetInt32());
            Assert.Equal(0, json.RootElement.GetProperty("problems").GetArrayLength());
        }

        // The agent, not only the disk, knows: it logged each manifest it stored for the import.
        Assert.Contains("Import stored manifest", agent.Output, StringComparison.Ordinal);
        var byTag = await skopeo.InspectRawAsync($"docker://{agent.Host}/openshift/release-images:4.18.1-x86_64");
        Assert.True(byTag.Succeeded, byTag.Describe());
        Assert.Equal(Sha256Digest.Of(image.Manifest.Content), Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(byTag.StandardOutput)));
        var pulled = await skopeo.CopyAsync($"docker://{agent.Host}/openshift/release-images@{image.Manifest.Digest}", $"oci:{temp.Combine("pulled")}:x");
        Assert.True(pulled.Succeeded, pulled.Describe());
        var all = await skopeo.CopyAsync($"docker://{agent.Host}/ocp/multi:v1", $"oci:{temp.Combine("pulled-multi")}:x", all: true);
        Assert.True(all.Succeeded, all.Describe());
        string idms = await File.ReadAllTextAsync(Path.Combine(outDir, "imagedigestmirrorset.yaml"));
        Assert.Contains("localhost:5000/openshift/release-images", idms, StringComparison.Ordinal);
        Assert.Contains("10.0.0.1:5000/openshift/release-images", idms, StringComparison.Ordinal);
        Assert.True(idms.IndexOf("localhost:5000", StringComparison.Ordinal) < idms.IndexOf("10.0.0.1:5000", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(outDir, "cs-redhat-operator-index-v4-18.yaml")));
        Assert.True(File.Exists(Path.Combine(outDir, "oc-mirror", "idms-oc-mirror.yaml")));
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Import_KilledHalfwayAgentStopped_RerunResumesAndTheStoreServes()
    {
        using var temp = new TempDirectory("import-kill");
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var image = TestImages.Image("import-big", layerCount: 4, layerBytes: 4 * 1024 * 1024);
        string archive = await OcMirrorArchive.WriteAsync(temp, "media", [new("big/app", "1.0", image)], Resources, output);
        string root = temp.Sub("root"), socket = temp.Combine("none.sock");
        byte[] bytes = await File.ReadAllBytesAsync(archive);
        // The medium is a FIFO fed half the archive, so the import is cut at a known point, mid-archive.
        string fifo = temp.Combine("cut.tar");
        (await ProcessRunner.RunAsync("mkfifo", [fifo], TestTimeouts.ShortCommand)).EnsureSuccess();
        string blobs = Path.Combine(root, "docker", "registry", "v2", "blobs");
        await using (var cut = BackgroundProcess.Start(EdgeregBinary.Path, ["import", "--root", root, "--status-socket", socket, fifo]))
        {
            await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
                await writer.WriteAsync(bytes.AsMemory(0, bytes.Length * 2 / 3));
                await writer.FlushAsync();
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (BlobCount(blobs) < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
                await cut.KillAsync();
            }
        }

        Assert.True(BlobCount(blobs) >= 2);
        // Cut while reading: blobs are in, no manifest or tag was published yet (they come only after the whole medium).
        string repositories = Path.Combine(root, "docker", "registry", "v2", "repositories");
        Assert.False(Directory.Exists(repositories) && Directory.EnumerateFileSystemEntries(repositories).Any());

        var rerun = await RunImportAsync(["--root", root, "--status-socket", socket, "--json", archive]);

        Assert.True(rerun.ExitCode == 0, rerun.Describe());
        using (var json = JsonDocument.Parse(rerun.StandardOutput))
        {
            Assert.True(json.RootElement.GetProperty("blobsPresent").GetInt32() >= 2);
            Assert.Equal(1, json.RootElement.GetProperty("manifestsImported").GetInt32());
        }

        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(root), output);
        var pulled = await skopeo.CopyAsync($"docker://{server.Host}/big/app:1.0", $"oci:{temp.Combine("pulled")}:x");
        Assert.True(pulled.Succeeded, pulled.Describe());
    }

    private static int BlobCount(string blobs) =>
        Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "data", SearchOption.AllDirectories).Count() : 0;

    private static Task<ProcessResult> RunImportAsync(string[] arguments) =>
        ProcessRunner.RunAsync(EdgeregBinary.Path, ["import", .. arguments], TestTimeouts.ClientCommand);
}
