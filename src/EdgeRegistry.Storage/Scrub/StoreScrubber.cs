using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Scrub;

/// <summary>
/// One scrub pass over a store, resumable: first every blob's bytes are re-hashed in digest order (manifests are
/// blobs too, so every manifest revision's bytes are among them), then every repository's layer and revision links are
/// checked in name order (a link naming a blob whose <c>data</c> is gone). Damage is quarantined the moment it is
/// found (<see cref="RegistryStore.Quarantine"/>); the store's <see cref="RegistryStore.Damaged"/> event takes it from
/// there. The cursor is written every <see cref="CheckpointEvery"/> and at each phase's end, so a restart repeats at
/// most that much. Pace and yielding are the caller's (<c>beforeRead</c>, asked before each chunk).
/// </summary>
public sealed class StoreScrubber
{
    /// <summary>Read size: large enough for sequential reads to be cheap, small enough to pace and yield finely.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    public static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(10);

    private readonly RegistryStore _store;
    private readonly TimeProvider _time;

    public StoreScrubber(RegistryStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public ScrubProgress Progress { get; } = new();

    /// <summary>
    /// Runs (or resumes) the pass <paramref name="cursor"/> describes to its end and returns the cursor that says it
    /// ended. <paramref name="isArriving"/>: a link whose blob a peer is sending right now is not damage.
    /// Cancellation leaves the last checkpoint on disk (and throws).
    /// </summary>
    public async Task<ScrubCursor> RunPassAsync(ScrubCursor cursor, int chunkBytes, Func<int, CancellationToken, ValueTask> beforeRead,
        Func<Digest, bool>? isArriving, CancellationToken cancellationToken)
    {
        if (!cursor.InPass)
        {
            cursor = cursor.StartPass(_time.GetUtcNow());
            _store.WriteScrubCursor(cursor);
        }
        Progress.Resume(cursor);
        long lastCheckpoint = _time.GetTimestamp();
        try
        {
            // A blob linked by many repositories (or as layer and revision), or quarantined by the blob walk, is one damage.
            var reported = new HashSet<Digest>();
            if (cursor.Phase == ScrubPhase.Blobs)
            {
                foreach (var blob in _store.BlobsInOrder(cursor.Position))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var verdict = await _store.VerifyBlobAsync(blob.Digest, chunkBytes, beforeRead, cancellationToken).ConfigureAwait(false);
                    if (verdict.Damage is { } kind && _store.Quarantine(blob.Digest, kind, verdict.Cause!) is not null) reported.Add(blob.Digest);
                    Progress.Checked(verdict.BytesRead);
                    Progress.Position = blob.Digest.ToString();
                    cursor = cursor with { Position = Progress.Position, PassBytes = Progress.PassBytes };
                    Checkpoint(ref cursor, ref lastCheckpoint, force: false);
                }
                cursor = cursor with { Phase = ScrubPhase.Links, Position = null };
                Progress.Phase = ScrubPhase.Links;
                Progress.Position = null;
                Checkpoint(ref cursor, ref lastCheckpoint, force: true);
            }

            foreach (string name in _store.ListRepositories())
            {
                if (cursor.Position is { } after && string.CompareOrdinal(name, after) <= 0) continue;
                cancellationToken.ThrowIfCancellationRequested();
                if (!RepositoryName.TryParse(name, out var repository)) continue;
                foreach (var finding in _store.CheckLinks(repository))
                {
                    if (finding.Rewritten || !reported.Add(finding.Digest)) continue;
                    if (isArriving?.Invoke(finding.Digest) == true || _store.BlobLength(finding.Digest) is not null) continue;
                    _store.Quarantine(finding.Digest, DamageKind.MissingData, finding.IsRevision
                        ? $"the manifest revision link in {repository} names it, but its data file is missing"
                        : $"the layer link in {repository} names it, but its data file is missing");
                }
                Progress.Position = name;
                cursor = cursor with { Position = name };
                Checkpoint(ref cursor, ref lastCheckpoint, force: false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping (shutdown): where it got to is worth keeping, so the next start repeats nothing.
            try { _store.WriteScrubCursor(cursor); }
            catch (StoreException) { }
            throw;
        }

        cursor = cursor.EndPass(_time.GetUtcNow());
        _store.WriteScrubCursor(cursor);
        return cursor;
    }

    private void Checkpoint(ref ScrubCursor cursor, ref long lastCheckpoint, bool force)
    {
        if (!force && _time.GetElapsedTime(lastCheckpoint) < CheckpointEvery) return;
        _store.WriteScrubCursor(cursor);
        lastCheckpoint = _time.GetTimestamp();
    }
}
