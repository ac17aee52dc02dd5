namespace EdgeRegistry.Upstream;

/// <summary>One upstream registry and how to reach it.</summary>
/// <param name="Host">HOST[:PORT] as clients and mirror sets name it (no scheme).</param>
/// <param name="PlainHttp">Speak plain HTTP instead of HTTPS (an opt-in, for registries on a trusted network).</param>
/// <param name="BytesPerSecond">Cap on the uplink traffic to this registry; 0: no cap.</param>
public sealed record UpstreamRegistry(string Host, bool PlainHttp = false, long BytesPerSecond = 0)
{
    /// <summary>Where the registry is reached when that is not <see cref="Host"/> itself (a site proxy in front of it); scheme, host and port only.</summary>
    public Uri? Url { get; init; }

    /// <summary>PEM CA bundle trusted for this registry besides the system CAs and the global one.</summary>
    public string? CaFile { get; init; }

    /// <summary>False only by an explicit opt-out: the registry's certificate is not checked at all.</summary>
    public bool TlsVerify { get; init; } = true;

    /// <summary>The auth file's entry to use for this registry, instead of the most specific key matching the repository.</summary>
    public string? CredentialsKey { get; init; }

    /// <summary>This registry's tag refresh interval; null: the global one.</summary>
    public TimeSpan? TagRefresh { get; init; }

    /// <summary>Whether it needs a TLS set-up of its own (not the handler every other upstream shares).</summary>
    public bool HasOwnTls => CaFile is not null || !TlsVerify;

    public Uri BaseAddress => Url ?? new($"{(PlainHttp ? "http" : "https")}://{Host}/");
}
