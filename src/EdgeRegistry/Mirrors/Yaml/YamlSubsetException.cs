namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>Input outside the supported YAML subset, or malformed: the message names the line.</summary>
internal sealed class YamlSubsetException(int line, string problem) : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;

    public string Problem { get; } = problem;
}
