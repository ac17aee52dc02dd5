using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// Where an import goes: the store itself (agent stopped) or the running agent over its root-only socket, which
/// then makes every change through its own store so its caches, inventory and peers learn of it as of a push.
/// Failures are <see cref="Storage.StoreException"/>s in both cases.
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

    /// <summary>Free bytes on the store's file system, for the space check before each blob.</summary>
    Task<long> FreeBytesAsync(CancellationToken cancellationToken);
}
