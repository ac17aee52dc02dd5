namespace EdgeRegistry.Storage;

/// <summary>Settings of a <see cref="RegistryStore"/>.</summary>
public sealed record StoreOptions
{
    /// <summary>The store root: the directory that holds <c>docker/registry/v2</c> (Distribution's layout).</summary>
    public required string Root { get; init; }

    /// <summary>
    /// The largest manifest accepted. Manifests are held in memory whole, so this bounds memory per request;
    /// 4 MiB is Distribution's default and far above any real image index.
    /// </summary>
    public long MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Uploads untouched for longer than this are removed when the store opens (and on each purge).</summary>
    public TimeSpan StaleUploadAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether opening the store also purges stale uploads. The purge walks every repository directory, so
    /// `edgereg serve` turns it off and runs <see cref="RegistryStore.PurgeStaleUploads"/> in the background once
    /// it is serving: a stale upload only costs disk space, never correctness, and must not delay start-up.
    /// </summary>
    public bool PurgeStaleUploadsOnOpen { get; init; } = true;

    /// <summary>Upper bound on manifest bytes kept in the in-memory manifest cache.</summary>
    public long ManifestCacheBytes { get; init; } = 32 * 1024 * 1024;
}
