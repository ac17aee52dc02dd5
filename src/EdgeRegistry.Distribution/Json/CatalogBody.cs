namespace EdgeRegistry.Distribution.Json;

/// <summary>Response of <c>GET /v2/_catalog</c>.</summary>
internal sealed record CatalogBody(IReadOnlyList<string> Repositories);
