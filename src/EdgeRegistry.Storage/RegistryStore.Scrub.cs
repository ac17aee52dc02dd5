using System.Buffers;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Scrub;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Storage;

/// <summary>
/// What the scrub needs of the store: blobs in a resumable order, re-hashing one, checking a repository's links, and
/// taking a damaged blob out of service at once (<see cref="Quarantine"/>).
/// </summary>
public sealed partial class RegistryStore
{
    /// <summary>Quarantined copies older than this are removed when the next one is added: they only help a post-mortem.</summary>
    public static readonly TimeSpan QuarantineKept = TimeSpan.FromDays(14);

    private readonly Lock _quarantine = new();

    /// <summary>
    /// Raised once for every damaged blob after it was taken out of service (its bytes moved aside, the manifest cache
    /// and replication's inventory told), whoever found it: the scrub, or a read that found a short file. The scrub
    /// service counts it and asks the peers for a good copy; replication forgets what it judged complete.
    /// </summary>
    public event Action<Damage>? Damaged;

    /// <summary>
    /// Moves the blob's directory (its <c>data</c>) into <c>.edgereg/quarantine</c> in one rename, so from that instant
    /// no lookup finds it — a GET or HEAD answers from a peer or 404, and a manifest that needs it is incomplete — then
    /// raises <see cref="StoreChangeKind.BlobRemoved"/> for each repository linking it (this node no longer offers it
    /// to its peers) and <see cref="Damaged"/>. The links stay: they say what to fetch back. For
    /// <see cref="DamageKind.MissingData"/> there is nothing to move. Null when another caller took the same blob out
    /// first (or the collector removed it), so one damage is reported once.
    /// </summary>
    public Damage? Quarantine(Digest digest, DamageKind kind, string cause)
    {
        string operation = $"quarantining blob {digest}";
        Damage damage;
        lock (_quarantine)
        {
            var (layers, manifests) = IoFailures.Guard(operation, () => LinkersOf(digest));
            string? movedTo = null;
            if (kind != DamageKind.MissingData)
            {
                movedTo = IoFailures.Guard(operation, () => MoveAside(digest));
                if (movedTo is null) return null;
            }
            _manifests.Forget(digest);
            damage = new Damage(digest, kind, cause, layers, manifests, movedTo);
            // Also for data that was already gone: the inventory may still offer it to the peers.
            foreach (var repository in layers.Concat(manifests).Distinct())
                Raise(operation, new StoreChange(StoreChangeKind.BlobRemoved, repository, digest));
        }
        LogQuarantined(_logger, damage.Describe(), cause, damage.QuarantinedAt ?? "nothing to move");
        try
        {
            Damaged?.Invoke(damage);
        }
        catch (Exception e) when (e is StoreException or IOException)
        {
            // The blob is out of service whatever an observer makes of it; its repair is retried by the next pass.
            LogObserverFailed(_logger, digest.ToString(), e.Message);
        }
        return damage;
    }

    /// <summary>Committed blobs in digest order (sha256 before sha512, hex ascending) after <paramref name="after"/>.</summary>
    public IEnumerable<BlobInfo> BlobsInOrder(string? after)
    {
        foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
        {
            string name = Digest.NameOf(algorithm);
            if (after is not null && string.CompareOrdinal(name + ":~", after) < 0) continue; // this algorithm is all before the cursor
            string algorithmDirectory = _paths.BlobAlgorithmDirectory(name);
            foreach (string prefix in SortedDirectories(algorithmDirectory))
            {
                if (after is not null && string.CompareOrdinal(name + ":" + Path.GetFileName(prefix) + "~", after) < 0) continue;
                foreach (string blobDirectory in SortedDirectories(prefix))
                {
                    if (!Digest.TryCreate(algorithm, Path.GetFileName(blobDirectory), out var digest)) continue;
                    if (after is not null && string.CompareOrdinal(digest.ToString(), after) <= 0) continue;
                    var data = _fs.FileInfo.New(StorePaths.DataFile(blobDirectory));
                    if (data.Exists) yield return new BlobInfo(digest, data.Length);
                }
            }
        }
    }

    /// <summary>
    /// Re-hashes a committed blob, asking <paramref name="beforeRead"/> before each chunk (the scrub's pace and its
    /// yielding to clients). A blob that cannot be read is damage too: it cannot be served either.
    /// </summary>
    public async Task<BlobVerdict> VerifyBlobAsync(Digest digest, int chunkBytes, Func<int, CancellationToken, ValueTask> beforeRead,
        CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = _fs.FileStream.New(_paths.BlobData(digest), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new BlobVerdict(0, null, null, Gone: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BlobVerdict(0, DamageKind.DigestMismatch, $"its data cannot be opened: {e.Message}");
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkBytes);
        long total = 0;
        try
        {
            using (stream)
            using (var hasher = new ContentHasher(digest.Algorithm))
            {
                long length = stream.Length;
                while (true)
                {
                    // Charged what this read will take (the last chunk of a blob is short), so the pace counts real bytes.
                    int ask = (int)Math.Clamp(length - total, 0, chunkBytes);
                    if (ask > 0) await beforeRead(ask, cancellationToken).ConfigureAwait(false);
                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(0, Math.Max(ask, 1)), cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        return new BlobVerdict(total, DamageKind.DigestMismatch, $"reading its data failed at byte {total}: {e.Message}");
                    }
                    if (read == 0) break;
                    hasher.Append(buffer.AsSpan(0, read));
                    total += read;
                }
                var actual = hasher.Current();
                return actual == digest
                    ? new BlobVerdict(total, null, null)
                    : new BlobVerdict(total, DamageKind.DigestMismatch, $"its {total} bytes hash to {actual}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Checks every layer and revision link of a repository: a link whose content does not name its directory's digest
    /// is rewritten (reported <see cref="LinkFinding.Rewritten"/>); a sound link whose blob has no data is reported.
    /// </summary>
    public IReadOnlyList<LinkFinding> CheckLinks(RepositoryName repository)
    {
        var findings = new List<LinkFinding>();
        IoFailures.Guard($"checking the links of {repository}", () =>
        {
            foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
            {
                string name = Digest.NameOf(algorithm);
                Check(_paths.LayersDirectory(repository, name), algorithm, isRevision: false);
                Check(_paths.RevisionsDirectory(repository, name), algorithm, isRevision: true);
            }
            return true;
        });
        return findings;

        void Check(string directory, DigestAlgorithm algorithm, bool isRevision)
        {
            foreach (string linkDirectory in SortedDirectories(directory))
            {
                if (!Digest.TryCreate(algorithm, Path.GetFileName(linkDirectory), out var digest)) continue;
                string link = StorePaths.LinkFile(linkDirectory);
                if (!_fs.File.Exists(link)) continue; // a directory being created or removed: not a link yet
                if (LinkFiles.Read(_fs, link) != digest)
                {
                    _files.WriteLink(link, digest.ToString());
                    LogLinkRewritten(_logger, link, digest.ToString());
                    findings.Add(new LinkFinding(digest, isRevision, Rewritten: true));
                }
                if (!_blobs.Exists(digest)) findings.Add(new LinkFinding(digest, isRevision, Rewritten: false));
            }
        }
    }

    /// <summary>The cursor as last written; <see cref="ScrubCursor.Fresh"/> when there is none or it cannot be read.</summary>
    public ScrubCursor ReadScrubCursor()
    {
        try
        {
            return _fs.File.Exists(_paths.ScrubCursor) ? ScrubCursor.Parse(_fs.File.ReadAllText(_paths.ScrubCursor)) : ScrubCursor.Fresh;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ScrubCursor.Fresh;
        }
    }

    /// <summary>Replaces the cursor durably (temp, fsync, rename, directory fsync): a power cut leaves the old or the new one.</summary>
    public void WriteScrubCursor(ScrubCursor cursor) =>
        IoFailures.Guard("recording the scrub's position", () =>
        {
            _files.WriteAtomically(_paths.ScrubCursor, System.Text.Encoding.ASCII.GetBytes(cursor.Format()));
            return true;
        });

    /// <summary>The repositories whose layer links, and those whose manifest revisions, name the blob.</summary>
    private (IReadOnlyList<RepositoryName> Layers, IReadOnlyList<RepositoryName> Manifests) LinkersOf(Digest digest)
    {
        var layers = new List<RepositoryName>();
        var manifests = new List<RepositoryName>();
        foreach (string name in RepositoryCatalog.List(_fs, _paths))
        {
            if (!RepositoryName.TryParse(name, out var repository)) continue;
            if (_fs.File.Exists(_paths.LayerLink(repository, digest))) layers.Add(repository);
            if (_fs.File.Exists(_paths.RevisionLink(repository, digest))) manifests.Add(repository);
        }
        return (layers, manifests);
    }

    /// <summary>One rename out of the blob tree (same file system, so atomic), made durable; null when the blob is not there.</summary>
    private string? MoveAside(Digest digest)
    {
        string directory = _paths.BlobDirectory(digest);
        if (!_fs.Directory.Exists(directory)) return null;
        _files.EnsureDirectory(_paths.Quarantine);
        PruneQuarantine();
        string target = Path.Combine(_paths.Quarantine, $"{digest.AlgorithmName}-{digest.Hex}-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}");
        try
        {
            _fs.Directory.Move(directory, target);
        }
        catch (DirectoryNotFoundException)
        {
            return null; // collected or quarantined meanwhile
        }
        _sync.FlushDirectory(Path.GetDirectoryName(directory)!);
        _sync.FlushDirectory(_paths.Quarantine);
        return target;
    }

    private void PruneQuarantine()
    {
        foreach (string entry in SortedDirectories(_paths.Quarantine))
        {
            if (DateTime.UtcNow - _fs.Directory.GetLastWriteTimeUtc(entry) > QuarantineKept) _files.TryDeleteTree(entry);
        }
    }

    private List<string> SortedDirectories(string directory)
    {
        List<string> entries;
        try
        {
            entries = _fs.Directory.Exists(directory) ? _fs.Directory.EnumerateDirectories(directory).ToList() : [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Damaged {Object}: {Cause}; taken out of service (moved to {QuarantinedAt}), never served again")]
    private static partial void LogQuarantined(ILogger logger, string @object, string cause, string quarantinedAt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Link {Link} did not name {Digest}, the digest of its directory; rewritten")]
    private static partial void LogLinkRewritten(ILogger logger, string link, string digest);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "After quarantining blob {Digest}: {Reason}")]
    private static partial void LogObserverFailed(ILogger logger, string digest, string reason);
}
