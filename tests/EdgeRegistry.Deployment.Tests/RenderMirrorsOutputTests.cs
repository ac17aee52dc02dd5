using EdgeRegistry.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// <c>edgereg render-mirrors</c> run from the published (AOT) binary: YamlDotNet's representation model, compiled
/// ahead of time, reads real oc-mirror input, and everything the binary writes is YAML that YamlDotNet reads back
/// as intended.
/// </summary>
public sealed class RenderMirrorsOutputTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void RenderMirrors_PublishedBinaryOnOcMirrorInput_WritesYamlThatYamlDotNetReads()
    {
        using var temp = new TempDirectory();
        var input = Path.Combine(RepositoryFiles.Root, "tests", "EdgeRegistry.Host.Tests", "Mirrors", "TestData", "oc-mirror-results.yaml");

        var run = ToolRun.Execute(EdgeregBinary.Path,
            ["render-mirrors", "--node", "192.0.2.11", "--node", "192.0.2.12", "--node", "192.0.2.13", "--from", input,
             "--insecure", "--mirror-source-policy", "NeverContactSource", "--output-dir", temp.Path],
            temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Combined);

        var digestSet = YamlFile.Load(temp.Combine("imagedigestmirrorset.yaml"));
        Assert.Equal("ImageDigestMirrorSet", digestSet.Text("kind"));
        var entries = digestSet.Mapping("spec").Sequence("imageDigestMirrors").Mappings().ToList();
        Assert.Equal(4, entries.Count);
        var release = Assert.Single(entries, entry => entry.Text("source") == "quay.io/openshift-release-dev/ocp-v4.0-art-dev");
        Assert.Equal("NeverContactSource", release.Text("mirrorSourcePolicy"));
        Assert.Equal(
            ["localhost:5000/openshift/release", "192.0.2.11:5000/openshift/release", "192.0.2.12:5000/openshift/release", "192.0.2.13:5000/openshift/release"],
            release.Sequence("mirrors").Children.Cast<YamlScalarNode>().Select(mirror => mirror.Value));

        Assert.Equal("ImageTagMirrorSet", YamlFile.Load(temp.Combine("imagetagmirrorset.yaml")).Text("kind"));
        Assert.False(File.Exists(temp.Combine("imagecontentsourcepolicy.yaml")), "an ICSP beside the IDMS/ITMS: the MCO refuses both");
        Assert.Equal(
            ["localhost:5000", "192.0.2.11:5000", "192.0.2.12:5000", "192.0.2.13:5000"],
            YamlFile.Load(temp.Combine("image-config-insecure-registries.yaml")).Mapping("spec").Mapping("registrySources")
                .Sequence("insecureRegistries").Children.Cast<YamlScalarNode>().Select(registry => registry.Value));
    }

    [Fact]
    public void RenderMirrors_PublishedBinaryToStdout_PrintsMultiDocumentYaml()
    {
        using var temp = new TempDirectory();

        var run = ToolRun.Execute(EdgeregBinary.Path,
            ["render-mirrors", "--node", "192.0.2.11", "--source", "registry.redhat.io/redhat", "--insecure"], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Combined);

        var stream = new YamlStream();
        stream.Load(new StringReader(run.Output));
        Assert.Equal(
            ["ImageDigestMirrorSet", "ImageTagMirrorSet", "Image"],
            stream.Documents.Select(document => ((YamlMappingNode)document.RootNode).Text("kind")));
    }

    [Fact]
    public void RenderMirrors_PublishedBinaryLegacyIcspToStdout_TheIcspInsteadOfTheMirrorSetsAndANote()
    {
        using var temp = new TempDirectory();

        var run = ToolRun.Execute(EdgeregBinary.Path,
            ["render-mirrors", "--node", "192.0.2.11", "--source", "registry.redhat.io/redhat", "--legacy-icsp", "--insecure"], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Combined);

        var stream = new YamlStream();
        stream.Load(new StringReader(run.Output));
        Assert.Equal(["ImageContentSourcePolicy", "Image"], stream.Documents.Select(document => ((YamlMappingNode)document.RootNode).Text("kind")));
        Assert.StartsWith("edgereg: note: --legacy-icsp: wrote an ImageContentSourcePolicy only", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderMirrors_PublishedBinaryCatalogSourceBesideMirrorSets_SkipsIt()
    {
        using var temp = new TempDirectory();
        var input = Path.Combine(RepositoryFiles.Root, "tests", "EdgeRegistry.Host.Tests", "Mirrors", "TestData", "oc-mirror-v2-cluster-resources.yaml");

        var run = ToolRun.Execute(EdgeregBinary.Path, ["render-mirrors", "--node", "192.0.2.11", "--from", input, "--output-dir", temp.Path], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Combined);

        var sources = YamlFile.Load(temp.Combine("imagedigestmirrorset.yaml")).Mapping("spec").Sequence("imageDigestMirrors").Mappings()
            .Select(entry => entry.Text("source"));
        Assert.Equal(["registry.access.redhat.com/ubi9", "registry.redhat.io/lvms4", "registry.redhat.io/openshift4"], sources);
        Assert.Contains("edgereg: note: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("skipped 1 CatalogSource", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderMirrors_PublishedBinaryOnlyUnusedKinds_ExitsTwoNamingThem()
    {
        using var temp = new TempDirectory();
        var input = temp.Combine("deployment.yaml");
        File.WriteAllText(input, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n");

        var run = ToolRun.Execute(EdgeregBinary.Path, ["render-mirrors", "--node", "192.0.2.11", "--from", input], temp.Path, ToolTimeout);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"edgereg: {input}: no mirror sources found (expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet entries; found only Deployment)",
            run.Error.Trim());
    }

    [Fact]
    public void RenderMirrors_PublishedBinaryMalformedYaml_ExitsTwoNamingFileLineAndColumn()
    {
        using var temp = new TempDirectory();
        var input = temp.Combine("broken.yaml");
        File.WriteAllText(input, "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: 'quay.io/a\n");

        var run = ToolRun.Execute(EdgeregBinary.Path, ["render-mirrors", "--node", "192.0.2.11", "--from", input], temp.Path, ToolTimeout);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"edgereg: {input}:4:13: While scanning a quoted scalar, found unexpected end of stream.", run.Error.Trim());
    }
}
