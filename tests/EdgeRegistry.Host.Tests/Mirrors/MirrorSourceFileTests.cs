using System.Text.RegularExpressions;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// Mirror sources read from what oc and oc-mirror write and what operators save from a cluster, and a refusal
/// naming the file and the position for YAML that is not well formed.
/// </summary>
public sealed class MirrorSourceFileTests
{
    [Fact]
    public void Read_OcGetIcspList_TakesEveryItemsEntries()
    {
        var repositories = MirrorSourceFile.Read(MirrorTestData.Input("oc-get-icsp-list.yaml"));

        Assert.Equal(
        [
            ("registry.redhat.io/lvms4", "lvms4"),
            ("quay.io/openshift-release-dev/ocp-v4.0-art-dev", "openshift/release"),
            ("quay.io/openshift-release-dev/ocp-release", "openshift/release-images"),
        ], Pairs(repositories));
    }

    [Fact]
    public void Read_OcMirrorV2ClusterResourcesWithCatalogSource_SkipsTheCatalogSource()
    {
        var repositories = MirrorSourceFile.Read(MirrorTestData.Input("oc-mirror-v2-cluster-resources.yaml"));

        Assert.Equal(
        [
            ("registry.redhat.io/lvms4", "lvms4"),
            ("registry.redhat.io/openshift4", "openshift4"),
            ("registry.access.redhat.com/ubi9", "ubi9"),
        ], Pairs(repositories));
    }

    [Fact]
    public void Read_FlowStyleAnchorsAndQuotedKeys_ReadAsYamlDefines()
    {
        var repositories = MirrorSourceFile.Read(MirrorTestData.Input("flow-style-mirror-sets.yaml"));

        Assert.Equal(
        [
            ("quay.io/openshift-release-dev/ocp-v4.0-art-dev", "openshift-release-dev/ocp-v4.0-art-dev"),
            ("quay.io/openshift-release-dev/ocp-release", "openshift-release-dev/ocp-v4.0-art-dev"),
            ("registry.redhat.io/redhat", "redhat"),
            ("registry.redhat.io/ubi8", "ubi8"),
        ], Pairs(repositories));
    }

    [Theory]
    [InlineData("mirrors:\n", "quay.io/a/b", "a/b")]
    [InlineData("mirrors: ~\n", "quay.io/a/b", "a/b")]
    [InlineData("mirrors: []\n", "quay.io/a/b", "a/b")]
    [InlineData("mirrors: [\"localhost:5000\"]\n", "quay.io/a/b", "")]
    [InlineData("mirrors: |-\n      x.example/block/scalar\n", null, null)]
    public void Read_MirrorsAbsentEmptyOrRegistryRoot_DefaultOrRootPath(string mirrors, string? source, string? path)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("set.yaml", "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: quay.io/a/b\n    " + mirrors);

        if (source is null)
        {
            var error = Assert.Throws<MirrorInputException>(() => MirrorSourceFile.Read(file));
            Assert.Equal($"{file}:5: 'mirrors' must be a sequence of repository locations", error.Message);
            return;
        }

        Assert.Equal([(source, path!)], Pairs(MirrorSourceFile.Read(file)));
    }

    [Fact]
    public void Read_OnlyOtherKinds_NoSourcesNamingTheKindsFound()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("catalogs.yaml",
            "kind: CatalogSource\nmetadata: {name: cs}\n---\nkind: ConfigMap\ndata: {a: b}\n---\n# only a comment\n");

        var error = Assert.Throws<MirrorInputException>(() => MirrorSourceFile.Read(file));

        Assert.Equal(
            $"{file}: no mirror sources found (expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet entries; found only CatalogSource, ConfigMap)",
            error.Message);
    }

    [Theory]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: \"quay.io/a\n", 4, "")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n    - source: quay.io/a\n   mirrors: []\n", 5, "")]
    [InlineData("kind: ImageDigestMirrorSet\nkind: ImageTagMirrorSet\n", 2, "Duplicate key")]
    [InlineData("kind: ImageContentSourcePolicy\nspec:\n\trepositoryDigestMirrors:\n", 3, "")]
    [InlineData("kind: ImageDigestMirrorSet\nspec: {imageDigestMirrors: [\n", 3, "")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors: *missing\n", 3, "alias *missing has no anchor &missing before it")]
    [InlineData("kind: &k ImageDigestMirrorSet\n---\nkind: *k\n", 3, "alias *k has no anchor &k before it")]
    public void Read_MalformedYaml_OneLineNamingFileLineAndColumn(string contents, int line, string problem)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("bad.yaml", contents);

        var error = Assert.Throws<MirrorInputException>(() => MirrorSourceFile.Read(file));

        Assert.True(Regex.IsMatch(error.Message, $@"^{Regex.Escape(file)}:{line}:\d+: \S"), error.Message);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("(Line:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CollectionsNestedTooDeep_RefusedWithPositionNotStackOverflow()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("deep.yaml", "kind: ImageDigestMirrorSet\nspec: " + new string('[', 200_000) + "\n");

        var error = Assert.Throws<MirrorInputException>(() => MirrorSourceFile.Read(file));

        Assert.Equal($"{file}:2:70: collections nested more than 64 levels deep", error.Message);
    }

    private static (string Source, string MirrorPath)[] Pairs(IEnumerable<MirroredRepository> repositories) =>
        repositories.Select(repository => (repository.Source.ToString(), repository.MirrorPath)).ToArray();
}
