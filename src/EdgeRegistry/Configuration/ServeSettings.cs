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

    /// <summary>
    /// Peers and workstations reach the registry at the node's address, IPv4 or IPv6, so every interface by default:
    /// one dual-stack socket on [::] (IPv4 clients arrive as mapped addresses), or 0.0.0.0 where the kernel has no
    /// IPv6 (see KestrelSetup).
    /// </summary>
    public static readonly IReadOnlyList<ListenEndpoint> DefaultListen = [new(System.Net.IPAddress.IPv6Any, 5000)];

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

    /// <summary>Garbage collection: schedule, grace period, pull retention, pins and retention rules.</summary>
    public Collection.CollectionSettings Collection { get; init; } = new();

    /// <summary>Scrub: the pace (`--scrub-rate`) and the period a full pass must fit in (`--scrub-period`).</summary>
    public Scrub.ScrubSettings Scrub { get; init; } = new();

    /// <summary>Free space the store's writes leave on its file system (`--min-free`).</summary>
    public Storage.Capacity.SpaceLimit MinFree { get; init; } = Storage.Capacity.DiskGuardOptions.DefaultMinFree;

    /// <summary>Most bytes the store's blobs may take (`--max-store-bytes`); null for no cap of its own.</summary>
    public long? MaxStoreBytes { get; init; }

    public bool IsClustered => Members.Count > 0;

    /// <summary>The cluster's global pull secret on RHCOS (CRI-O's global_auth_file).</summary>
    public const string DefaultUpstreamAuthFile = "/var/lib/kubelet/config.json";

    /// <summary>A moved tag is followed within minutes; a pull between checks costs no uplink round trip.</summary>
    public static readonly TimeSpan DefaultTagRefresh = TimeSpan.FromMinutes(3);

    /// <summary>Upstream registries served host-in-path (<c>/v2/HOST/PATH</c>), on the default HTTPS port.</summary>
    public IReadOnlyList<string> Upstreams { get; init; } = [];

    /// <summary>IDMS/ITMS/ICSP files whose mirror paths map back to their sources.</summary>
    public IReadOnlyList<string> MirrorSetFiles { get; init; } = [];

    /// <summary>Upstream HOST[:PORT]s spoken to over plain HTTP (opt-in).</summary>
    public IReadOnlyList<string> UpstreamPlainHttp { get; init; } = [];

    /// <summary>Cap on the uplink traffic to each upstream, bytes per second; 0: no cap.</summary>
    public long UpstreamBytesPerSecond { get; init; }

    public string? UpstreamCaFile { get; init; }

    public string UpstreamAuthFile { get; init; } = DefaultUpstreamAuthFile;

    public TimeSpan TagRefresh { get; init; } = DefaultTagRefresh;

    /// <summary>The config file's per-upstream objects (<c>upstreamRegistries</c>), each with its own settings.</summary>
    public IReadOnlyList<UpstreamRegistrySetting> UpstreamRegistries { get; init; } = [];

    public bool IsCaching => Upstreams.Count > 0 || MirrorSetFiles.Count > 0 || UpstreamRegistries.Count > 0;

    /// <summary>The config file that was read, if any (for the start-up log line).</summary>
    public string? ConfigFile { get; init; }

    public bool UsesTls => TlsCertificateFile is not null;
}
