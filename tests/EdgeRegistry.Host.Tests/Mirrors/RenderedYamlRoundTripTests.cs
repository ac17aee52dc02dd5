using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Mirrors;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// What render-mirrors writes, loaded back with YamlDotNet's YamlStream: the same kinds, sources, mirrors and
/// policy as the plan, and, fed back to --from, the same plan again.
/// </summary>
public sealed class RenderedYamlRoundTripTests
{
    public static TheoryData<string[], string[], string> Plans => new()
    {
        { ["192.0.2.11", "192.0.2.12", "192.0.2.13"], ["quay.io/openshift-release-dev/ocp-release", "registry.redhat.io/redhat"], "AllowContactingSource" },
        { ["node1.edge.example.com", "192.0.2.12:5443"], ["quay.io", "registry.example.com:8443/team__a/app-1.x", "docker.io/library/alpine"], "NeverContactSource" },
        { ["localhost:5001"], ["localhost/solo"], "AllowContactingSource" },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Render_EveryClusterObject_YamlStreamReadsThePlanBack(string[] nodes, string[] sources, string policy)
    {
        var plan = Plan(nodes, sources, policy);

        // The mirror sets by default, the ICSP instead of them with --legacy-icsp: never both in one rendering.
        var files = MirrorRenderer.Render(plan, legacyContentSourcePolicy: false).Concat(MirrorRenderer.Render(plan, legacyContentSourcePolicy: true))
            .Where(file => file.IsClusterObject).DistinctBy(file => file.Name).ToDictionary(file => file.Name);

        AssertEntries(Load(files["imagedigestmirrorset.yaml"]), "ImageDigestMirrorSet", "imageDigestMirrors", plan, policy);
        AssertEntries(Load(files["imagetagmirrorset.yaml"]), "ImageTagMirrorSet", "imageTagMirrors", plan, policy);
        AssertEntries(Load(files["imagecontentsourcepolicy.yaml"]), "ImageContentSourcePolicy", "repositoryDigestMirrors", plan, policyValue: null);
        var image = Load(files["image-config-insecure-registries.yaml"]);
        Assert.Equal("Image", Scalar(image, "kind"));
        Assert.Equal(plan.Registries, Strings(Mapping(Mapping(image, "spec"), "registrySources"), "insecureRegistries"));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Render_OutputGivenBackAsFrom_SameRepositoriesAndSameFiles(string[] nodes, string[] sources, string policy)
    {
        using var temp = new TempDirectory();
        var plan = Plan(nodes, sources, policy);
        foreach (var (name, legacy) in new[] { ("imagedigestmirrorset.yaml", false), ("imagetagmirrorset.yaml", false), ("imagecontentsourcepolicy.yaml", true) })
        {
            var rendered = MirrorRenderer.Render(plan, legacy);
            var path = temp.WriteFile(name, rendered.Single(file => file.Name == name).Contents);
            var again = Plan(nodes, MirrorSourceFile.Read(path), policy);

            Assert.Equal(plan.Repositories, again.Repositories);
            Assert.Equal(rendered.Select(file => file.Contents), MirrorRenderer.Render(again, legacy).Select(file => file.Contents));
        }
    }

    private static MirrorPlan Plan(string[] nodes, string[] sources, string policy) =>
        Plan(nodes, sources.Select(source => MirroredRepository.WithDefaultPath(RepositoryLocation.Parse(source, "--source"))), policy);

    /// <summary>Nodes on different ports need the localhost mirror's port named (--local-port); 5000 here.</summary>
    private static MirrorPlan Plan(string[] nodes, IEnumerable<MirroredRepository> repositories, string policy) =>
        MirrorPlan.Create(nodes.Select(NodeAddress.Parse), repositories, Enum.Parse<MirrorSourcePolicy>(policy), insecure: true,
            localPort: nodes.Select(node => NodeAddress.Parse(node).Port).Distinct().Count() > 1 ? NodeAddress.DefaultPort : null);

    private static YamlMappingNode Load(RenderedFile file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(file.Contents));
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    private static void AssertEntries(YamlMappingNode root, string kind, string listKey, MirrorPlan plan, string? policyValue)
    {
        Assert.Equal(kind, Scalar(root, "kind"));
        Assert.False(string.IsNullOrEmpty(Scalar(Mapping(root, "metadata"), "name")));
        var entries = Assert.IsType<YamlSequenceNode>(Mapping(root, "spec").Children[new YamlScalarNode(listKey)]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(plan.Repositories.Select(repository => repository.Source.ToString()), entries.Select(entry => Scalar(entry, "source")));
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(plan.MirrorsOf(plan.Repositories[i]), Strings(entries[i], "mirrors"));
            Assert.Equal(policyValue, entries[i].Children.TryGetValue(new YamlScalarNode("mirrorSourcePolicy"), out var value) ? ((YamlScalarNode)value).Value : null);
        }
    }

    private static YamlMappingNode Mapping(YamlMappingNode mapping, string key) => Assert.IsType<YamlMappingNode>(mapping.Children[new YamlScalarNode(key)]);

    private static string? Scalar(YamlMappingNode mapping, string key) => Assert.IsType<YamlScalarNode>(mapping.Children[new YamlScalarNode(key)]).Value;

    private static string[] Strings(YamlMappingNode mapping, string key) =>
        Assert.IsType<YamlSequenceNode>(mapping.Children[new YamlScalarNode(key)]).Children.Select(item => Assert.IsType<YamlScalarNode>(item).Value ?? "").ToArray();
}
