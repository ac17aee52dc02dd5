namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>One meaningful line: its 1-based number, the column its content starts at, and the content with any comment removed.</summary>
internal readonly record struct YamlLine(int Number, int Indent, string Text)
{
    public bool IsSequenceItem => Text == "-" || Text.StartsWith("- ", StringComparison.Ordinal);
}
