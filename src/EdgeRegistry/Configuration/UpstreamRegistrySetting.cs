namespace EdgeRegistry.Configuration;

/// <summary>
/// One object of the config file's <c>upstreamRegistries</c> array, parsed and checked: a registry and its own
/// settings. Unset values (null) fall back to the global upstream settings (<c>--upstream-bandwidth</c>,
/// <c>--tag-refresh</c>, …); the registry's own value is the more specific one and wins.
/// </summary>
/// <param name="Name">HOST[:PORT] as mirror sets' sources and the host-in-path form name it (lower case).</param>
/// <param name="Origin">Where it was configured, for later problems (<c>/etc/edgereg/config.json: upstreamRegistries[0]</c>).</param>
internal sealed record UpstreamRegistrySetting(string Name, string Origin)
{
    /// <summary>Where it is reached when that is not <see cref="Name"/> (scheme, host and port).</summary>
    public Uri? Url { get; init; }

    public bool PlainHttp { get; init; }

    public string? CaFile { get; init; }

    public bool TlsVerify { get; init; } = true;

    /// <summary>The upstream auth file's entry to use (e.g. <c>quay.io/myorg</c>).</summary>
    public string? Credentials { get; init; }

    public long? BytesPerSecond { get; init; }

    public TimeSpan? TagRefresh { get; init; }

    /// <summary>Served host-in-path: <c>/v2/NAME/PATH</c> is PATH at this registry.</summary>
    public bool HostInPath { get; init; }

    /// <summary>Local repository prefixes and the path each is at this registry (without a mirror-set file).</summary>
    public IReadOnlyList<(string Local, string Remote)> Repositories { get; init; } = [];
}
