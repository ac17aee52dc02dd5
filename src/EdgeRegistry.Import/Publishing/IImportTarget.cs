using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// Where an import goes: the store itself (agent stopped) or the running agent over its root-only socket, which
/// then makes every change through its own store so its caches, inventory and peers learn of it as of a push.
/// Failures are <see cref="Storage.StoreException"/>s in both cases; the disk guard's refusal of a write is one with
/// <see cref="Storage.StoreError.SpaceLimit"/>, a full file system one with <see cref="Storage.StoreError.StorageFull"/>.
/// </summary>
public interface IImportTarget
{
    /// <summary>The committed blob's length; null when the store lacks it.</summary>
    Task<long?> BlobLengthAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Streams <paramref name="body"/> into the store as blob <paramref name="digest"/>: hashed while written, committed
    /// only when exactly <paramref name="size"/> bytes with that digest arrived and are durable (DigestMismatch or
    /// UploadInvalid otherwise, and nothing is visible). Not linked into a repository: the manifest that references it
    /// does that when it is imported.
    /// </summary>
    Task CommitBlobAsync(Digest digest, long size, Stream body, CancellationToken cancellationToken);

    /// <summary>A committed blob's bytes when it is at most <paramref name="maxBytes"/> long (manifest bytes); null otherwise.</summary>
    Task<byte[]?> ReadBlobAsync(Digest digest, int maxBytes, CancellationToken cancellationToken);

    Task<bool> HasManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Stores a manifest whose blobs and child manifests are already present (the caller checked).</summary>
    Task ImportManifestAsync(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Task<Digest?> TagTargetAsync(RepositoryName repository, string tag, CancellationToken cancellationToken);

    Task SetTagAsync(RepositoryName repository, string tag, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a blob the store lacks from wherever the agent gets content (the cluster's peers), linked into
    /// <paramref name="repository"/>: a differential medium leaves out blobs the cluster already holds. The blob's
    /// length once the store holds it, verified; null when no one has it (and always for the store alone, which has
    /// no peers).
    /// </summary>
    Task<long?> FetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="FetchBlobAsync"/> could get the blob now; copies nothing (for a dry run).</summary>
    Task<bool> CanFetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// The store's disk guard on writing <paramref name="bytes"/> more: null when they fit, else its refusal (which
    /// limit, how much is free). Reserves nothing: the writes themselves reserve through the guard, as pushes do.
    /// </summary>
    Task<string?> SpaceRefusalAsync(long bytes, string what, CancellationToken cancellationToken);
}
