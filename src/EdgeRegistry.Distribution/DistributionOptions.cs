namespace EdgeRegistry.Distribution;

/// <summary>How the distribution API is exposed: who may write and how large a manifest may be.</summary>
public sealed record DistributionOptions
{
    /// <summary>
    /// Allow pushes and deletes without credentials when the client connects from a loopback address. Off by
    /// default: on a node every host-network pod reaches localhost, and a tag it overwrote would spread.
    /// </summary>
    public bool AnonymousWritesFromLoopback { get; init; }

    /// <summary>The credentials file checked for writes (see <see cref="Access.CredentialsFile"/>); null means no user can write.</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>The largest manifest body accepted; larger pushes get 413 SIZE_INVALID. Bounds memory per request.</summary>
    public long MaxManifestBytes { get; init; } = Storage.StoreOptions.DefaultMaxManifestBytes;
}
