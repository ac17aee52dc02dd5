namespace EdgeRegistry.Storage;

/// <summary>Settings of a <see cref="RegistryStore"/>.</summary>
public sealed record StoreOptions
{
    /// <summary>The store root: the directory that holds <c>docker/registry/v2</c> (Distribution's layout).</summary>
    public required string Root { get; init; }

    /// <summary>
    /// The default largest manifest: Distribution's default, far above any real image index. The one default of
    /// `--max-manifest-bytes`, which the host passes to the store, the distribution API and the peer client alike.
    /// </summary>
    public const long DefaultMaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>The largest manifest accepted (pushed or imported). Manifests are held in memory whole, so this bounds memory per request.</summary>
    public long MaxManifestBytes { get; init; } = DefaultMaxManifestBytes;

    /// <summary>Uploads untouched for longer than this are removed when the store opens (and on each purge).</summary>
    public TimeSpan StaleUploadAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether opening the store also purges stale uploads. The purge walks every repository directory, so
    /// `edgereg serve` turns it off and runs <see cref="RegistryStore.PurgeStaleUploads"/> in the background once
    /// it is serving: a stale upload only costs disk space, never correctness, and must not delay start-up.
    /// </summary>
    public bool PurgeStaleUploadsOnOpen { get; init; } = true;

    /// <summary>The disk guard's limits for every write of the store; none unless asked for (`edgereg serve` always asks).</summary>
    public Capacity.DiskGuardOptions DiskGuard { get; init; } = Capacity.DiskGuardOptions.None;

    /// <summary>Upper bound on the memory of the in-memory manifest cache (each entry counted at its estimated footprint, see ManifestCache).</summary>
    public long ManifestCacheBytes { get; init; } = 32 * 1024 * 1024;
}
