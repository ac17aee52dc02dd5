using System.Buffers;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// Imports into a store through its own write API: blobs by <see cref="IRegistryStore.BeginBlobImport"/> (temporary
/// file in the store, hashed while written, fsync + rename + directory fsync on commit, as a push), manifests by
/// <see cref="IRegistryStore.ImportManifest"/>, tags by <see cref="IRegistryStore.SetTag"/>; each raises the store's
/// change events, so in the agent replication hears of them. Every blob reserves its bytes through the store's disk
/// guard (<see cref="IRegistryStore.BeginBlobImport"/>), as a push does, so an import keeps to --min-free and
/// --max-store-bytes. Used by the CLI when the agent is stopped, and by the
/// agent's import endpoint when it runs.
/// </summary>
public sealed class StoreImportTarget(IRegistryStore store) : IImportTarget
{
    /// <summary>1 MiB copies: large enough for the store's O_DIRECT appender to write whole aligned chunks.</summary>
    private const int CopyBufferBytes = 1 << 20;

    public Task<long?> BlobLengthAsync(Digest digest, CancellationToken cancellationToken) => Task.FromResult(store.BlobLength(digest));

    public async Task CommitBlobAsync(Digest digest, long size, Stream body, CancellationToken cancellationToken)
    {
        using var import = store.BeginBlobImport(digest, size);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            while (true)
            {
                int read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                // WriteAsync hands the bytes to the appender's own chunks before it returns, so the buffer is free again.
                await import.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        import.CommitUnlinked();
    }

    public async Task<byte[]?> ReadBlobAsync(Digest digest, int maxBytes, CancellationToken cancellationToken)
    {
        using var reader = store.OpenBlob(digest);
        if (reader is null || reader.Length > maxBytes) return null;
        var bytes = new byte[reader.Length];
        for (int offset = 0; offset < bytes.Length;)
        {
            int read = await reader.ReadAsync(bytes.AsMemory(offset), offset, cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            offset += read;
        }

        return bytes;
    }

    public Task<bool> HasManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        Task.FromResult(store.GetReferences(repository, digest) is not null);

    public Task ImportManifestAsync(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        store.ImportManifest(repository, digest, content);
        return Task.CompletedTask;
    }

    public Task<Digest?> TagTargetAsync(RepositoryName repository, string tag, CancellationToken cancellationToken)
    {
        foreach (var (name, digest) in store.ListTagTargets(repository))
        {
            if (name == tag) return Task.FromResult<Digest?>(digest);
        }

        return Task.FromResult<Digest?>(null);
    }

    public Task SetTagAsync(RepositoryName repository, string tag, Digest digest, CancellationToken cancellationToken)
    {
        store.SetTag(repository, tag, digest);
        return Task.CompletedTask;
    }

    /// <summary>The store alone has no peers to fetch from: a blob it lacks is nowhere.</summary>
    public Task<long?> FetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    public Task<bool> CanFetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<string?> SpaceRefusalAsync(long bytes, string what, CancellationToken cancellationToken) =>
        Task.FromResult(store.Guard.Check(bytes, what)?.Message);
}
