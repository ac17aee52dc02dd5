using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// What issue 17 found on a running cluster: ICSPs and IDMS/ITMS rendered together (the MCO refuses both at once),
/// inputs whose other kinds vanished without a word, and a localhost mirror on 5000 for nodes serving another port.
/// </summary>
public sealed class RenderMirrorsExclusiveTests
{
    [Fact]
    public async Task LegacyIcspToStdout_OnlyTheIcspAndANoteSayingSo()
    {
        var run = await RenderAsync(["--node", "192.0.2.11", "--source", "quay.io/openshift-release-dev/ocp-release", "--legacy-icsp"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("kind: ImageContentSourcePolicy\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: ImageDigestMirrorSet", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: ImageTagMirrorSet", run.Output, StringComparison.Ordinal);
        var note = Assert.Single(run.ErrorLines);
        Assert.StartsWith("edgereg: note: --legacy-icsp: wrote an ImageContentSourcePolicy only, no ImageDigestMirrorSet/ImageTagMirrorSet", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyIcspToDirectory_NoMirrorSetFilesWritten()
    {
        using var temp = new TempDirectory();

        var run = await RenderAsync(["--node", "192.0.2.11", "--source", "quay.io/a/b", "--legacy-icsp", "--output-dir", temp.Path]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["99-edgereg-mirrors.conf", "imagecontentsourcepolicy.yaml"],
            Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FromOcGetIcspList_IdmsWrittenWithANoteNamingTheIcspsToMigrateAndDelete()
    {
        var run = await RenderAsync(["--node", "192.0.2.11", "--from", MirrorTestData.Input("oc-get-icsp-list.yaml")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("kind: ImageDigestMirrorSet\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: ImageContentSourcePolicy", run.Output, StringComparison.Ordinal);
        // The last-applied JSON in the annotations is not read as a second copy: each source once, at its ICSP path.
        Assert.Contains("    - 192.0.2.11:5000/lvms4\n    source: registry.redhat.io/lvms4\n", run.Output, StringComparison.Ordinal);
        var note = Assert.Single(run.ErrorLines);
        Assert.Contains("holds ImageContentSourcePolicies (operator-0, release-0)", note, StringComparison.Ordinal);
        Assert.Contains("oc adm migrate icsp", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromOcMirrorResourcesWithCatalogSource_SkippedWithANoteNotAnError()
    {
        var run = await RenderAsync(["--node", "192.0.2.11", "--from", MirrorTestData.Input("oc-mirror-v2-cluster-resources.yaml")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("kind: ImageTagMirrorSet\n", run.Output, StringComparison.Ordinal);
        var note = Assert.Single(run.ErrorLines);
        Assert.Contains("oc-mirror-v2-cluster-resources.yaml: skipped 1 CatalogSource (render-mirrors reads", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesOnPort5001_LocalhostMirrorOn5001Too()
    {
        var run = await RenderAsync(["--node", "192.0.2.11:5001", "--node", "192.0.2.12:5001", "--source", "quay.io/a/b", "--insecure"]);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("localhost:5000", run.Output, StringComparison.Ordinal);
        Assert.Contains("    - localhost:5001/a/b\n    - 192.0.2.11:5001/a/b\n    - 192.0.2.12:5001/a/b\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("    - localhost:5001\n", run.Output, StringComparison.Ordinal); // insecureRegistries
        Assert.Contains("Mirrors: localhost:5001 (this node's edgereg)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesOnDifferentPorts_ExitTwoAskingForLocalPort()
    {
        var run = await RenderAsync(["--node", "192.0.2.11:5001", "--node", "192.0.2.12", "--source", "quay.io/a/b"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["edgereg: the nodes listen on different ports (5001, 5000): say which one the localhost mirror (each node's own edgereg) uses with --local-port PORT"],
            run.ErrorLines);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task NodesOnDifferentPortsWithLocalPort_LocalhostOnThatPort()
    {
        var run = await RenderAsync(["--node", "192.0.2.11:5001", "--node", "192.0.2.12", "--source", "quay.io/a/b", "--local-port", "5001"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("    - localhost:5001/a/b\n    - 192.0.2.11:5001/a/b\n    - 192.0.2.12:5000/a/b\n", run.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error, IReadOnlyList<string> ErrorLines)> RenderAsync(string[] arguments)
    {
        var process = new CapturedProcess();
        var exitCode = await process.RunAsync(["render-mirrors", .. arguments]);
        return (exitCode, process.Output, process.Error, process.ErrorLines);
    }
}
