using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Mirrors;

/// <summary>
/// Takes the sources, and the path each was mirrored to, from what <c>oc adm release mirror</c>, <c>oc-mirror</c>
/// and <c>oc get -o yaml</c> write: ImageContentSourcePolicy, ImageDigestMirrorSet and ImageTagMirrorSet
/// documents, also inside a <c>kind: List</c>. Other kinds in the same file (oc-mirror puts CatalogSources and
/// ConfigMaps beside the mirror sets) are skipped. The mirror path is the first mirror's repository path, so
/// content pushed where that tool pushed it is found again on every node. The YAML is read with YamlDotNet's
/// representation model, which needs no reflection (the binary is AOT-compiled).
/// </summary>
internal static class MirrorSourceFile
{
    /// <summary>Far deeper than any mirror set (six levels) or CatalogSource, far shallower than the stack allows.</summary>
    private const int MaxNesting = 64;

    private static readonly Dictionary<string, string> EntryListByKind = new(StringComparer.Ordinal)
    {
        ["ImageContentSourcePolicy"] = "repositoryDigestMirrors",
        ["ImageDigestMirrorSet"] = "imageDigestMirrors",
        ["ImageTagMirrorSet"] = "imageTagMirrors",
    };

    public static IReadOnlyList<MirroredRepository> Read(string path) => ReadWithNotes(path).Repositories;

    /// <summary>The sources, and what render-mirrors tells the operator about the file: the kinds it skipped and its ICSPs.</summary>
    public static MirrorSourceReading ReadWithNotes(string path)
    {
        var stream = Load(path, ReadText(path));
        var repositories = new List<MirroredRepository>();
        var skippedKinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var policies = new List<string>();
        foreach (var document in stream.Documents)
        {
            // A document with nothing in it, e.g. after a trailing '---'.
            if (document.RootNode is YamlScalarNode root && root.IsNull())
            {
                continue;
            }

            ReadObject(path, document.RootNode, repositories, skippedKinds, policies);
        }

        if (repositories.Count == 0)
        {
            var found = skippedKinds.Count == 0 ? "" : $"; found only {string.Join(", ", skippedKinds.Keys)}";
            throw new MirrorInputException(
                $"{path}: no mirror sources found (expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet entries{found})");
        }

        return new MirrorSourceReading(repositories, skippedKinds, policies);
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
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
    }

    private static YamlStream Load(string path, string text)
    {
        var stream = new YamlStream();
        var parser = new CheckedParser(new Parser(new StringReader(text)), MaxNesting);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var (line, column) = IsTabIndentation(e) && TabAfter(text, parser.LastEnd) is { } tab ? tab : (e.Start.Line, e.Start.Column);
            throw new MirrorInputException($"{path}:{line}:{column}: {SyntaxProblem(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and RepresentationModel give up on some malformed streams this way instead of with a YamlException
            // (found by tests/fuzz): still the file's fault, so still a message naming it, never a crash.
            throw new MirrorInputException($"{path}:{parser.LastEnd.Line}:{parser.LastEnd.Column}: not valid YAML ({e.Message})");
        }

        return stream;
    }

    /// <summary>YamlDotNet reports a tab in indentation at the start of the mapping it is in, often line 1.</summary>
    private static bool IsTabIndentation(YamlException e) => e.Message.Contains("tab as indentation", StringComparison.Ordinal);

    /// <summary>The first tab in a line's indentation at or after <paramref name="from"/>: where the scanner stopped.</summary>
    private static (long Line, long Column)? TabAfter(string text, Mark from)
    {
        var lines = text.Split('\n');
        for (var index = (int)Math.Max(from.Line - 1, 0); index < lines.Length; index++)
        {
            var indentation = lines[index].Length - lines[index].TrimStart(' ', '\t').Length;
            var tab = lines[index].IndexOf('\t', 0, indentation);
            if (tab >= 0 && (index + 1 > from.Line || tab + 1 >= from.Column))
            {
                return (index + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>YamlDotNet's message without the "(Line: 3, Col: 5, Idx: 40) - (Line: ...): " it starts with.</summary>
    private static string SyntaxProblem(YamlException e)
    {
        const string AfterMarks = "): ";
        var message = e.Message;
        var end = message.StartsWith('(') ? message.IndexOf(AfterMarks, StringComparison.Ordinal) : -1;
        return end < 0 ? message : message[(end + AfterMarks.Length)..];
    }

    private static void ReadObject(string path, YamlNode node, List<MirroredRepository> repositories,
        SortedDictionary<string, int> skippedKinds, List<string> policies)
    {
        var resource = node as YamlMappingNode ?? throw Problem(path, node, "expected a Kubernetes object (a mapping with apiVersion and kind)");
        var kind = Text(path, resource, "kind");
        if (kind == "List")
        {
            var items = resource.Get("items") as YamlSequenceNode ?? throw Problem(path, resource, "a List needs an 'items' sequence");
            foreach (var item in items.Children)
            {
                ReadObject(path, item, repositories, skippedKinds, policies);
            }

            return;
        }

        if (!EntryListByKind.TryGetValue(kind, out var listKey))
        {
            skippedKinds[kind] = skippedKinds.GetValueOrDefault(kind) + 1;
            return;
        }

        if (kind == "ImageContentSourcePolicy")
        {
            policies.Add((resource.Get("metadata") as YamlMappingNode)?.Get("name") is YamlScalarNode { Value: { Length: > 0 } name } ? name : "(unnamed)");
        }

        var spec = resource.Get("spec") as YamlMappingNode ?? throw Problem(path, resource, $"{kind} has no 'spec' mapping");
        if (spec.Get(listKey) is not YamlSequenceNode entries)
        {
            throw Problem(path, spec, $"{kind} has no 'spec.{listKey}' sequence");
        }

        foreach (var entryNode in entries.Children)
        {
            var entry = entryNode as YamlMappingNode
                ?? throw Problem(path, entryNode, $"each {listKey} entry must be a mapping with 'source' and 'mirrors'");
            var sourceText = Text(path, entry, "source");
            var source = RepositoryLocation.Parse(sourceText, $"{path}:{entry.Get("source")!.Start.Line}: source");
            repositories.Add(new MirroredRepository(source, MirrorPathOf(path, entry, source)));
        }
    }

    private static string MirrorPathOf(string path, YamlMappingNode entry, RepositoryLocation source)
    {
        switch (entry.Get("mirrors"))
        {
            case null:
            case YamlScalarNode empty when empty.IsNull():
            case YamlSequenceNode { Children.Count: 0 }:
                return MirroredRepository.WithDefaultPath(source).MirrorPath;
            case YamlSequenceNode { Children: [YamlScalarNode first, ..] } when !first.IsNull():
                return RepositoryLocation.Parse(first.Value!, $"{path}:{first.Start.Line}: mirror").Path;
            case var other:
                throw Problem(path, other, "'mirrors' must be a sequence of repository locations");
        }
    }

    private static string Text(string path, YamlMappingNode mapping, string key) => mapping.Get(key) switch
    {
        YamlScalarNode scalar when !scalar.IsNull() => scalar.Value!,
        null => throw Problem(path, mapping, $"missing '{key}'"),
        var other => throw Problem(path, other, $"'{key}' must be a single value"),
    };

    private static MirrorInputException Problem(string path, YamlNode node, string problem) => new($"{path}:{node.Start.Line}: {problem}");
}
