namespace EdgeRegistry.Replication;

/// <summary>How this node takes part in the cluster. Built and validated by the host from its settings.</summary>
public sealed record ReplicationOptions
{
    /// <summary>This node's member id: its "HOST:PORT" entry in the members list.</summary>
    public required string Self { get; init; }

    /// <summary>The other members, as "HOST:PORT".</summary>
    public required IReadOnlyList<string> Peers { get; init; }

    /// <summary>The shared cluster secret (raw bytes of the secret file, trimmed).</summary>
    public required byte[] Secret { get; init; }

    /// <summary>Cap on background replication bytes per second; 0 = none. Client read-through is never capped.</summary>
    public long BytesPerSecond { get; init; }

    /// <summary>
    /// The largest manifest fetched from a peer: the node's `--max-manifest-bytes`, so whatever a node accepts from a
    /// client also replicates (the host sets it from the same setting as the store's and the API's limit).
    /// </summary>
    public long MaxManifestBytes { get; init; } = Storage.StoreOptions.DefaultMaxManifestBytes;

    /// <summary>Peer requests use https when this node serves TLS (all members are configured alike).</summary>
    public bool UseTls { get; init; }

    /// <summary>
    /// A dead peer may cost a client pull at most this much: containers/image waits for us before it moves on to
    /// the next mirror, so it must be short even on a slow site network.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often each peer is probed (health and latency) while it is up.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each peer's change feed is polled when it had nothing new.</summary>
    public TimeSpan FeedInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the peer's inventory summary is compared with what we learned from its feed.</summary>
    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Parallel background fetches; more only adds seeks on the same disks.</summary>
    public int FetchConcurrency { get; init; } = 4;

    /// <summary>Deleted tags and manifests are remembered this long so a node that was away learns of the delete.</summary>
    public TimeSpan TombstoneLifetime { get; init; } = TimeSpan.FromDays(14);
}
