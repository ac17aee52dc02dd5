namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>
/// Reads the YAML that <c>oc adm release mirror</c>, <c>oc-mirror</c> and <c>kubectl</c> write for mirror sets:
/// block mappings and sequences (including <c>key:</c> followed by <c>- item</c> at the same indentation),
/// plain, single- and double-quoted one-line scalars, comments, empty <c>{}</c>/<c>[]</c>, and several
/// documents. Anything else (flow collections, block scalars, anchors, tags, multi-line scalars) is refused
/// with the line it is on, so a file is never half-understood. The binary is AOT-compiled and YamlDotNet
/// needs reflection, hence this reader.
/// </summary>
internal sealed class YamlSubsetParser
{
    private readonly List<YamlLine> _lines;
    private int _next;

    private YamlSubsetParser(List<YamlLine> lines)
    {
        _lines = lines;
    }

    /// <summary>The root node of every non-empty document, in file order.</summary>
    public static IReadOnlyList<YamlNode> ParseDocuments(string text)
    {
        var roots = new List<YamlNode>();
        foreach (var lines in YamlLineSplitter.Split(text))
        {
            var parser = new YamlSubsetParser(lines);
            var root = parser.ParseNode(lines[0].Indent);
            if (parser.Current is { } extra)
            {
                throw new YamlSubsetException(extra.Number, "unexpected content after the document's top-level node (check the indentation)");
            }

            roots.Add(root);
        }

        return roots;
    }

    private YamlLine? Current => _next < _lines.Count ? _lines[_next] : null;

    private YamlNode ParseNode(int indent)
    {
        var line = _lines[_next];
        if (line.IsSequenceItem)
        {
            return ParseSequence(line.Indent);
        }

        if (KeySplitter.TrySplit(line, out _, out _))
        {
            return ParseMapping(line.Indent);
        }

        _next++;
        var scalar = ScalarReader.Read(line.Text, line.Number);
        if (Current is { } following && following.Indent >= indent)
        {
            throw new YamlSubsetException(following.Number, "multi-line plain scalars are not supported; quote the value on one line");
        }

        return scalar;
    }

    private YamlSequence ParseSequence(int indent)
    {
        var firstLine = _lines[_next].Number;
        var items = new List<YamlNode>();
        // A line at this indentation that is not an item ends the sequence: in "key:\n- a\nnext: b" the
        // mapping that owns the sequence takes it.
        while (Current is { IsSequenceItem: true } line && line.Indent == indent)
        {
            var rest = line.Text.Length == 1 ? string.Empty : line.Text[2..].TrimStart(' ');
            if (rest.Length == 0)
            {
                _next++;
                items.Add(Current is { } nested && nested.Indent > indent
                    ? ParseNode(nested.Indent)
                    : new YamlScalar(line.Number, string.Empty, Quoted: false));
                continue;
            }

            // "- key: value" opens a mapping whose keys line up with "key": re-read the rest of the line
            // as if it started at its own column.
            var column = indent + line.Text.Length - rest.Length;
            _lines[_next] = new YamlLine(line.Number, column, rest);
            items.Add(ParseNode(column));
        }

        RejectDeeperLine(indent);
        return new YamlSequence(firstLine, items);
    }

    private YamlMapping ParseMapping(int indent)
    {
        var firstLine = _lines[_next].Number;
        var entries = new List<KeyValuePair<string, YamlNode>>();
        while (Current is { } line && line.Indent == indent)
        {
            if (line.IsSequenceItem || !KeySplitter.TrySplit(line, out var key, out var valueText))
            {
                throw new YamlSubsetException(line.Number, "expected 'key: value' at this indentation");
            }

            if (entries.Exists(entry => entry.Key == key))
            {
                throw new YamlSubsetException(line.Number, $"duplicate key '{key}'");
            }

            _next++;
            YamlNode value;
            if (valueText.Length > 0)
            {
                value = ScalarReader.Read(valueText, line.Number);
            }
            else if (Current is { } nested && nested.Indent > indent)
            {
                value = ParseNode(nested.Indent);
            }
            else if (Current is { } sibling && sibling.Indent == indent && sibling.IsSequenceItem)
            {
                // kubectl and oc write "mirrors:" followed by "- item" at the key's own indentation.
                value = ParseSequence(indent);
            }
            else
            {
                value = new YamlScalar(line.Number, string.Empty, Quoted: false);
            }

            entries.Add(KeyValuePair.Create(key, value));
        }

        RejectDeeperLine(indent);
        return new YamlMapping(firstLine, entries);
    }

    private void RejectDeeperLine(int indent)
    {
        if (Current is { } line && line.Indent > indent)
        {
            throw new YamlSubsetException(line.Number, "unexpected indentation");
        }
    }
}
