namespace EdgeRegistry.Distribution.Errors;

/// <summary>An error response: HTTP status, OCI code, a message for people and optional machine detail.</summary>
internal readonly record struct ApiError(int Status, string Code, string Message, string? Detail = null);
