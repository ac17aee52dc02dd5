namespace EdgeRegistry.Configuration;

/// <summary>
/// One `serve` setting and the three names it goes by: a command-line flag, an environment variable and a
/// config-file key. Error messages name whichever of these supplied the bad value.
/// </summary>
internal sealed record SettingKey(string Flag, string EnvironmentVariable, string FileKey, bool IsList = false, char ListSeparator = ',')
{
    public static readonly SettingKey Listen = new("--listen", "EDGEREG_LISTEN", "listen", IsList: true);
    public static readonly SettingKey Root = new("--root", "EDGEREG_ROOT", "root");
    public static readonly SettingKey TlsCert = new("--tls-cert", "EDGEREG_TLS_CERT", "tlsCert");
    public static readonly SettingKey TlsKey = new("--tls-key", "EDGEREG_TLS_KEY", "tlsKey");
    public static readonly SettingKey CredentialsFile = new("--credentials-file", "EDGEREG_CREDENTIALS_FILE", "credentialsFile");
    public static readonly SettingKey AnonymousWrites = new("--anonymous-writes", "EDGEREG_ANONYMOUS_WRITES", "anonymousWrites");
    public static readonly SettingKey LogLevel = new("--log-level", "EDGEREG_LOG_LEVEL", "logLevel");
    public static readonly SettingKey AccessLog = new("--access-log", "EDGEREG_ACCESS_LOG", "accessLog");
    public static readonly SettingKey ShutdownTimeout = new("--shutdown-timeout", "EDGEREG_SHUTDOWN_TIMEOUT", "shutdownTimeoutSeconds");
    public static readonly SettingKey MaxManifestBytes = new("--max-manifest-bytes", "EDGEREG_MAX_MANIFEST_BYTES", "maxManifestBytes");
    public static readonly SettingKey Members = new("--member", "EDGEREG_MEMBERS", "members", IsList: true);
    public static readonly SettingKey NodeName = new("--node-name", "EDGEREG_NODE_NAME", "nodeName");
    public static readonly SettingKey ClusterSecretFile = new("--cluster-secret-file", "EDGEREG_CLUSTER_SECRET_FILE", "clusterSecretFile");
    public static readonly SettingKey ReplicationBandwidth = new("--replication-bandwidth", "EDGEREG_REPLICATION_BANDWIDTH", "replicationBytesPerSecond");
    public static readonly SettingKey StatusSocket = new("--status-socket", "EDGEREG_STATUS_SOCKET", "statusSocket");
    public static readonly SettingKey GcInterval = new("--gc-interval", "EDGEREG_GC_INTERVAL", "gcInterval");
    public static readonly SettingKey GcGrace = new("--gc-grace", "EDGEREG_GC_GRACE", "gcGrace");
    public static readonly SettingKey PullRetention = new("--pull-retention", "EDGEREG_PULL_RETENTION", "pullRetention");
    public static readonly SettingKey GcPins = new("--gc-pin", "EDGEREG_GC_PINS", "gcPins", IsList: true);

    /// <summary>Rules hold commas (keepTags=a,b), so the environment separates them with semicolons.</summary>
    public static readonly SettingKey GcRetention = new("--gc-retention", "EDGEREG_GC_RETENTION", "gcRetention", IsList: true, ListSeparator: ';');
    public static readonly SettingKey ScrubRate = new("--scrub-rate", "EDGEREG_SCRUB_RATE", "scrubBytesPerSecond");
    public static readonly SettingKey ScrubPeriod = new("--scrub-period", "EDGEREG_SCRUB_PERIOD", "scrubPeriod");
    public static readonly SettingKey MinFree = new("--min-free", "EDGEREG_MIN_FREE", "minFree");
    public static readonly SettingKey MaxStoreBytes = new("--max-store-bytes", "EDGEREG_MAX_STORE_BYTES", "maxStoreBytes");
    public static readonly SettingKey Upstreams = new("--upstream", "EDGEREG_UPSTREAMS", "upstreams", IsList: true);
    public static readonly SettingKey MirrorSets = new("--mirror-set", "EDGEREG_MIRROR_SETS", "mirrorSets", IsList: true);
    public static readonly SettingKey UpstreamPlainHttp = new("--upstream-plain-http", "EDGEREG_UPSTREAM_PLAIN_HTTP", "upstreamPlainHttp", IsList: true);
    public static readonly SettingKey UpstreamBandwidth = new("--upstream-bandwidth", "EDGEREG_UPSTREAM_BANDWIDTH", "upstreamBytesPerSecond");
    public static readonly SettingKey UpstreamCaFile = new("--upstream-ca-file", "EDGEREG_UPSTREAM_CA_FILE", "upstreamCaFile");
    public static readonly SettingKey UpstreamAuthFile = new("--upstream-auth-file", "EDGEREG_UPSTREAM_AUTH_FILE", "upstreamAuthFile");
    public static readonly SettingKey TagRefresh = new("--tag-refresh", "EDGEREG_TAG_REFRESH", "tagRefreshSeconds");

    /// <summary>The config file is found before the other settings are read, so it has no file key of its own.</summary>
    public static readonly SettingKey Config = new("--config", "EDGEREG_CONFIG", FileKey: "");

    /// <summary>Every key a config file may hold; anything else in the file is a mistake worth stopping for.</summary>
    public static readonly IReadOnlyList<SettingKey> FileSettings =
        [Listen, Root, TlsCert, TlsKey, CredentialsFile, AnonymousWrites, LogLevel, AccessLog, ShutdownTimeout, MaxManifestBytes,
         Members, NodeName, ClusterSecretFile, ReplicationBandwidth, StatusSocket, GcInterval, GcGrace, PullRetention, GcPins, GcRetention,
         MinFree, MaxStoreBytes, ScrubRate, ScrubPeriod,
         Upstreams, MirrorSets, UpstreamPlainHttp, UpstreamBandwidth, UpstreamCaFile, UpstreamAuthFile, TagRefresh];
}
