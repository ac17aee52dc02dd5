namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>
/// Cuts YAML text into documents (at <c>---</c> and <c>...</c>) of meaningful lines: blank and comment-only lines
/// dropped, trailing comments removed outside quotes, indentation measured. Tabs in indentation and directives
/// are rejected here so the parser only ever sees space-indented block content.
/// </summary>
internal static class YamlLineSplitter
{
    public static List<List<YamlLine>> Split(string text)
    {
        var documents = new List<List<YamlLine>> { new() };
        var rawLines = text.TrimStart('\uFEFF').Split('\n');
        for (var index = 0; index < rawLines.Length; index++)
        {
            var number = index + 1;
            var raw = rawLines[index].TrimEnd('\r');
            if (IsDocumentMarker(raw, "---") || IsDocumentMarker(raw, "..."))
            {
                if (raw.Length > 3 && StripComment(raw[3..], number).Trim().Length > 0)
                {
                    throw new YamlSubsetException(number, "content after a document marker is not supported; start it on the next line");
                }

                documents.Add(new List<YamlLine>());
                continue;
            }

            if (raw.StartsWith('%'))
            {
                throw new YamlSubsetException(number, "YAML directives (%YAML, %TAG) are not supported");
            }

            var indent = 0;
            while (indent < raw.Length && raw[indent] == ' ')
            {
                indent++;
            }

            if (indent < raw.Length && raw[indent] == '\t')
            {
                throw new YamlSubsetException(number, "tab in indentation; YAML indents with spaces only");
            }

            var content = StripComment(raw[indent..], number).TrimEnd(' ', '\t');
            if (content.Length > 0)
            {
                documents[^1].Add(new YamlLine(number, indent, content));
            }
        }

        documents.RemoveAll(document => document.Count == 0);
        return documents;
    }

    private static bool IsDocumentMarker(string line, string marker) =>
        line.StartsWith(marker, StringComparison.Ordinal) && (line.Length == 3 || line[3] is ' ' or '\t');

    // A '#' starts a comment at the start of the content or after whitespace, never inside quotes.
    private static string StripComment(string content, int lineNumber)
    {
        var quote = '\0';
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quote == '"' && c == '\\')
            {
                i++;
            }
            else if (quote == '\'' && c == '\'' && i + 1 < content.Length && content[i + 1] == '\'')
            {
                i++;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c == '#' && (i == 0 || content[i - 1] is ' ' or '\t'))
            {
                return content[..i];
            }
            else if ((c == '"' || c == '\'') && StartsScalar(content, i))
            {
                quote = c;
            }
        }

        if (quote != '\0')
        {
            throw new YamlSubsetException(lineNumber, "unterminated quoted scalar (multi-line scalars are not supported)");
        }

        return content;
    }

    // Quotes only open a quoted scalar where a scalar starts (line start, after "- ", after ": "); an
    // apostrophe inside a plain scalar (it's) is just a character.
    private static bool StartsScalar(string content, int index)
    {
        var before = content[..index].TrimEnd(' ');
        return before.Length == 0 || before.EndsWith('-') && before.Trim('-', ' ').Length == 0 || before.EndsWith(':');
    }
}
