namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>A node of the YAML subset mirror-set files use; <see cref="Line"/> is 1-based, for error messages.</summary>
internal abstract record YamlNode(int Line);

/// <summary>A scalar as text; <see cref="Quoted"/> tells <c>'null'</c> from <c>null</c>.</summary>
internal sealed record YamlScalar(int Line, string Value, bool Quoted) : YamlNode(Line)
{
    /// <summary>An empty value, <c>~</c> or <c>null</c> written without quotes.</summary>
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlSequence(int Line, IReadOnlyList<YamlNode> Items) : YamlNode(Line);

/// <summary>A mapping with keys in file order (duplicates are rejected while parsing).</summary>
internal sealed record YamlMapping(int Line, IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode(Line)
{
    public YamlNode? Get(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key == key)
            {
                return entry.Value;
            }
        }

        return null;
    }
}
