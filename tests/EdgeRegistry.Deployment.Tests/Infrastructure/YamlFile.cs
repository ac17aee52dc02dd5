using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>Small typed accessors over YamlDotNet's representation model, failing with the path that was missing.</summary>
internal static class YamlFile
{
    public static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    public static YamlMappingNode Mapping(this YamlMappingNode node, string key) =>
        Assert.IsType<YamlMappingNode>(Child(node, key));

    public static YamlSequenceNode Sequence(this YamlMappingNode node, string key) =>
        Assert.IsType<YamlSequenceNode>(Child(node, key));

    public static string Text(this YamlMappingNode node, string key) =>
        Assert.IsType<YamlScalarNode>(Child(node, key)).Value ?? string.Empty;

    public static bool Flag(this YamlMappingNode node, string key) =>
        node.Children.ContainsKey(new YamlScalarNode(key)) && bool.Parse(node.Text(key));

    public static bool Has(this YamlMappingNode node, string key) =>
        node.Children.ContainsKey(new YamlScalarNode(key));

    public static IEnumerable<YamlMappingNode> Mappings(this YamlSequenceNode sequence) =>
        sequence.Children.Select(child => Assert.IsType<YamlMappingNode>(child));

    private static YamlNode Child(YamlMappingNode node, string key)
    {
        if (!node.Children.TryGetValue(new YamlScalarNode(key), out var child))
        {
            throw new KeyNotFoundException($"key '{key}' is missing at line {node.Start.Line}");
        }

        return child;
    }
}
