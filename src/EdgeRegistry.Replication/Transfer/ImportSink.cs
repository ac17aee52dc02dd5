using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Storage.Blobs;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>The chunks of a background copy, written into its import (which hashes them).</summary>
internal sealed class ImportSink(BlobImport import, Func<CancellationToken, ValueTask>? pause) : IChunkSink
{
    public async ValueTask<CopyResult?> AcceptAsync(Chunk chunk, bool last, CancellationToken cancellationToken)
    {
        if (pause is not null) await pause(cancellationToken).ConfigureAwait(false);
        await ImportWriter.WriteNewAsync(import, chunk).ConfigureAwait(false);
        return null;
    }
}

