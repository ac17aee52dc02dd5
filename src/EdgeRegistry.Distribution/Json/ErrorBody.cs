namespace EdgeRegistry.Distribution.Json;

/// <summary>The spec's error body: <c>{"errors":[{"code":"...","message":"...","detail":...}]}</c>.</summary>
internal sealed record ErrorBody(IReadOnlyList<ErrorEntry> Errors);

internal sealed record ErrorEntry(string Code, string Message, string? Detail);
