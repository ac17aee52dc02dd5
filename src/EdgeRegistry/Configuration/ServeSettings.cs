using Serilog.Events;

namespace EdgeRegistry.Configuration;

/// <summary>Everything `edgereg serve` runs with, resolved from flags, environment, config file and defaults and fully validated.</summary>
internal sealed record ServeSettings
{
    public const string DefaultRoot = "/var/local-registry";
    public const string DefaultConfigFile = "/etc/edgereg/config.json";
    public const string DefaultCredentialsFile = "/etc/edgereg/credentials";
    public const string DefaultClusterSecretFile = "/etc/edgereg/cluster-secret";

    /// <summary>The agent answers `edgereg status` here: a root-only unix socket, never the network.</summary>
    public const string DefaultStatusSocket = "/run/edgereg/status.sock";

    /// <summary>Peers and workstations reach the registry at the node's address, so all IPv4 interfaces by default.</summary>
    public static readonly IReadOnlyList<ListenEndpoint> DefaultListen = [new(System.Net.IPAddress.Any, 5000)];

    /// <summary>Long enough for an in-flight blob chunk to finish on a busy node; short enough not to stall a reboot.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Distribution's own limit for manifests; larger ones are refused with 413.</summary>
    public const long DefaultMaxManifestBytes = Storage.StoreOptions.DefaultMaxManifestBytes;

    public IReadOnlyList<ListenEndpoint> Listen { get; init; } = DefaultListen;
    public string Root { get; init; } = DefaultRoot;
    public string? TlsCertificateFile { get; init; }
    public string? TlsKeyFile { get; init; }

    /// <summary>When the certificate expires, read while validating it (start-up logs a warning if it has).</summary>
    public DateTime? TlsCertificateNotAfter { get; init; }
    public string CredentialsFile { get; init; } = DefaultCredentialsFile;
    public bool AnonymousWrites { get; init; }
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>One Information line per request (client, method, path, status, bytes, duration).</summary>
    public bool AccessLog { get; init; } = true;
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;
    public long MaxManifestBytes { get; init; } = DefaultMaxManifestBytes;

    /// <summary>Every cluster member (this node included), as peers reach them; empty for a stand-alone registry.</summary>
    public IReadOnlyList<MemberEndpoint> Members { get; init; } = [];

    /// <summary>Which member is this node, when neither the listen addresses nor the host's addresses tell.</summary>
    public string? NodeName { get; init; }

    public string ClusterSecretFile { get; init; } = DefaultClusterSecretFile;

    /// <summary>Cap on background replication traffic in bytes per second; 0 means no cap.</summary>
    public long ReplicationBytesPerSecond { get; init; }

    public string StatusSocket { get; init; } = DefaultStatusSocket;

    public bool IsClustered => Members.Count > 0;

    /// <summary>The config file that was read, if any (for the start-up log line).</summary>
    public string? ConfigFile { get; init; }

    public bool UsesTls => TlsCertificateFile is not null;
}
