namespace EdgeRegistry.Distribution.Access;

/// <summary>One user of the credentials file: the scheme of their hash, or why `serve` skips the line.</summary>
public sealed record CredentialEntry(string User, string? Scheme, int Line, string? Problem);
