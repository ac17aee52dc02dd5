namespace EdgeRegistry.Distribution.Json;

/// <summary>Response of <c>GET /v2/&lt;name&gt;/tags/list</c>.</summary>
internal sealed record TagListBody(string Name, IReadOnlyList<string> Tags);
