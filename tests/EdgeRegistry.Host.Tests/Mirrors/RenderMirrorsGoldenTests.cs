using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// render-mirrors on oc adm release mirror / oc-mirror shaped inputs, compared byte for byte with reviewed
/// output under TestData/Golden. A deliberate format change regenerates them with the commands in each test.
/// </summary>
public sealed class RenderMirrorsGoldenTests
{
    private static readonly string[] ThreeNodes = ["--node", "192.0.2.11", "--node", "192.0.2.12", "--node", "192.0.2.13"];

    [Fact]
    public async Task RenderMirrors_ReleaseIcspWithLegacyAndInsecure_WritesGoldenFilesWithTheIcspAlone()
    {
        using var temp = new TempDirectory();

        var run = await RenderAsync([.. ThreeNodes, "--from", MirrorTestData.Input("release-icsp.yaml"), "--legacy-icsp", "--insecure", "--output-dir", temp.Path]);

        Assert.Equal(0, run.ExitCode);
        // The golden directory has no imagedigestmirrorset.yaml or imagetagmirrorset.yaml: the MCO refuses both kinds at once.
        AssertSameFiles(MirrorTestData.Golden("release-icsp-insecure"), temp.Path);
        Assert.Contains("edgereg: note: --legacy-icsp: wrote an ImageContentSourcePolicy only", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderMirrors_OcMirrorFilesNeverContactSource_WritesGoldenFiles()
    {
        using var temp = new TempDirectory();

        var run = await RenderAsync(
        [
            "--node", "192.0.2.11", "--node", "192.0.2.12:5443", "--node", "node3.edge.example.com", "--local-port", "5000",
            "--from", MirrorTestData.Input("oc-mirror-v2-idms-itms.yaml"), "--from", MirrorTestData.Input("oc-mirror-results.yaml"),
            "--mirror-source-policy", "NeverContactSource", "--output-dir", temp.Path,
        ]);

        Assert.Equal(0, run.ExitCode);
        AssertSameFiles(MirrorTestData.Golden("oc-mirror-never-contact"), temp.Path);
    }

    [Fact]
    public async Task RenderMirrors_DirectSourcesToStdout_PrintsGoldenObjectsSortedBySource()
    {
        var run = await RenderAsync([.. ThreeNodes, "--source", "registry.redhat.io/redhat", "--source", "quay.io/openshift-release-dev/ocp-release"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(File.ReadAllText(MirrorTestData.Golden("direct-sources.stdout.yaml")), run.Output);
    }

    [Fact]
    public async Task RenderMirrors_SourcesInAnyOrderOrRepeated_GivesIdenticalOutput()
    {
        var first = await RenderAsync([.. ThreeNodes, "--source", "registry.redhat.io/redhat", "--source", "quay.io/openshift-release-dev/ocp-release"]);
        var second = await RenderAsync(
            [.. ThreeNodes, "--source", "quay.io/openshift-release-dev/ocp-release", "--source", "registry.redhat.io/redhat", "--source", "registry.redhat.io/redhat"]);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task RenderMirrors_SourceFromIcsp_KeepsTheIcspMirrorPathForEveryNode()
    {
        var run = await RenderAsync(["--node", "192.0.2.11", "--from", MirrorTestData.Input("release-icsp.yaml")]);

        // oc adm release mirror pushed to 192.0.2.11:5000/ocp4/openshift: the same path is used on every mirror.
        Assert.Contains("    - localhost:5000/ocp4/openshift\n    - 192.0.2.11:5000/ocp4/openshift\n    source: quay.io/openshift-release-dev/ocp-release\n", run.Output);
        Assert.DoesNotContain("openshift-release-dev/ocp-release\n    - ", run.Output);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RenderAsync(string[] arguments)
    {
        var process = new CapturedProcess();
        var exitCode = await process.RunAsync(["render-mirrors", .. arguments]);
        return (exitCode, process.Output, process.Error);
    }

    private static void AssertSameFiles(string expectedDirectory, string actualDirectory)
    {
        static string[] Names(string directory) =>
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        Assert.Equal(Names(expectedDirectory), Names(actualDirectory));
        foreach (var name in Names(expectedDirectory))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(expectedDirectory, name)), File.ReadAllText(Path.Combine(actualDirectory, name)));
        }
    }
}
