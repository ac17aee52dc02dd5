using EdgeRegistry.Mirrors.Yaml;

namespace EdgeRegistry.Mirrors;

/// <summary>
/// Takes the sources, and the path each was mirrored to, from what <c>oc adm release mirror</c> and
/// <c>oc-mirror</c> write: ImageContentSourcePolicy, ImageDigestMirrorSet and ImageTagMirrorSet documents
/// (also inside a <c>kind: List</c>). The mirror path is the first mirror's repository path, so content
/// pushed where that tool pushed it is found again on every node.
/// </summary>
internal static class MirrorSourceFile
{
    private static readonly Dictionary<string, string> EntryListByKind = new(StringComparer.Ordinal)
    {
        ["ImageContentSourcePolicy"] = "repositoryDigestMirrors",
        ["ImageDigestMirrorSet"] = "imageDigestMirrors",
        ["ImageTagMirrorSet"] = "imageTagMirrors",
    };

    public static IReadOnlyList<MirroredRepository> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The AOT binary keeps resource keys, not texts, for framework messages: name the common causes here.
            var reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => Directory.Exists(path) ? "is a directory, not a file" : "file not found",
                UnauthorizedAccessException => Directory.Exists(path) ? "is a directory, not a file" : "permission denied",
                _ => e.Message,
            };
            throw new MirrorInputException($"--from \"{path}\": cannot read the file: {reason}");
        }

        IReadOnlyList<YamlNode> documents;
        try
        {
            documents = YamlSubsetParser.ParseDocuments(text);
        }
        catch (YamlSubsetException e)
        {
            throw new MirrorInputException($"{path}:{e.Line}: {e.Problem}");
        }

        var repositories = new List<MirroredRepository>();
        foreach (var document in documents)
        {
            ReadObject(path, document, repositories);
        }

        if (repositories.Count == 0)
        {
            throw new MirrorInputException($"{path}: no mirror sources found (expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet entries)");
        }

        return repositories;
    }

    private static void ReadObject(string path, YamlNode node, List<MirroredRepository> repositories)
    {
        var resource = node as YamlMapping ?? throw Problem(path, node, "expected a Kubernetes object (a mapping with apiVersion and kind)");
        var kind = Text(path, resource, "kind");
        if (kind == "List")
        {
            var items = resource.Get("items") as YamlSequence ?? throw Problem(path, resource, "a List needs an 'items' sequence");
            foreach (var item in items.Items)
            {
                ReadObject(path, item, repositories);
            }

            return;
        }

        if (!EntryListByKind.TryGetValue(kind, out var listKey))
        {
            throw Problem(path, resource,
                $"unknown kind '{kind}'; expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet");
        }

        var spec = resource.Get("spec") as YamlMapping ?? throw Problem(path, resource, $"{kind} has no 'spec' mapping");
        if (spec.Get(listKey) is not YamlSequence entries)
        {
            throw Problem(path, spec, $"{kind} has no 'spec.{listKey}' sequence");
        }

        foreach (var entryNode in entries.Items)
        {
            var entry = entryNode as YamlMapping ?? throw Problem(path, entryNode, $"each {listKey} entry must be a mapping with 'source' and 'mirrors'");
            var sourceText = Text(path, entry, "source");
            var source = RepositoryLocation.Parse(sourceText, $"{path}:{entry.Get("source")!.Line}: source");
            repositories.Add(new MirroredRepository(source, MirrorPathOf(path, entry, source)));
        }
    }

    private static string MirrorPathOf(string path, YamlMapping entry, RepositoryLocation source)
    {
        switch (entry.Get("mirrors"))
        {
            case null:
            case YamlScalar { IsNull: true }:
            case YamlSequence { Items.Count: 0 }:
                return MirroredRepository.WithDefaultPath(source).MirrorPath;
            case YamlSequence { Items: [YamlScalar { IsNull: false } first, ..] }:
                return RepositoryLocation.Parse(first.Value, $"{path}:{first.Line}: mirror").Path;
            case var other:
                throw Problem(path, other, "'mirrors' must be a sequence of repository locations");
        }
    }

    private static string Text(string path, YamlMapping mapping, string key) => mapping.Get(key) switch
    {
        YamlScalar { IsNull: false } scalar => scalar.Value,
        null => throw Problem(path, mapping, $"missing '{key}'"),
        var other => throw Problem(path, other, $"'{key}' must be a single value"),
    };

    private static MirrorInputException Problem(string path, YamlNode node, string problem) => new($"{path}:{node.Line}: {problem}");
}
