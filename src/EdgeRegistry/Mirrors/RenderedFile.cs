namespace EdgeRegistry.Mirrors;

/// <summary>One output of render-mirrors: the name it gets under --output-dir, and its text.</summary>
internal sealed record RenderedFile(string Name, string Contents, bool IsClusterObject);
