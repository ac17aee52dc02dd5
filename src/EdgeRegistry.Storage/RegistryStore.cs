using System.IO.Abstractions;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Capacity;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Referrers;
using EdgeRegistry.Storage.Tags;
using EdgeRegistry.Storage.Uploads;
using EdgeRegistry.Storage.Versions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Storage;

/// <summary>
/// The registry store on a local file system in CNCF Distribution's layout (see <see cref="StorePaths"/>).
/// It composes the blob, upload, manifest and tag stores and turns file-system failures into
/// <see cref="StoreException"/>s; crash recovery runs once, in <see cref="Open(string, ILoggerFactory?)"/>.
/// </summary>
public sealed partial class RegistryStore : IRegistryStore
{
    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;
    private readonly BlobStore _blobs;
    private readonly UploadStore _uploads;
    private readonly ManifestStore _manifests;
    private readonly TagStore _tags;
    private readonly RevisionWriteLocks _revisionWrites = new();
    private readonly StoreOptions _options;
    private readonly IFileSync _sync;
    private readonly ILogger _logger;

    public RegistryStore(StoreOptions options, IFileSystem fileSystem, IFileSync sync, ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider = null)
    {
        _options = options with { Root = Path.GetFullPath(options.Root) };
        _fs = fileSystem;
        _sync = sync;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("EdgeRegistry.Storage");
        _paths = new StorePaths(_options.Root);
        _files = new DurableFiles(fileSystem, sync, _paths);
        _blobs = new BlobStore(fileSystem, _paths, _files);
        _uploads = new UploadStore(fileSystem, sync, _paths, _files, _blobs, timeProvider ?? TimeProvider.System);
        _tags = new TagStore(fileSystem, _paths, _files);
        _manifests = new ManifestStore(fileSystem, _paths, _files, _blobs, _tags, Leases, _options, _logger);
        Versions = new VersionRecords(fileSystem, _paths, _files);
        Pulls = new PullRecords(fileSystem, _paths, _files, timeProvider ?? TimeProvider.System);
        Guard = new DiskGuard(_options.DiskGuard, _options.Root, timeProvider);
    }

    /// <summary>Opens (creating if needed) a store on the real file system and recovers it after any crash.</summary>
    public static RegistryStore Open(string root, ILoggerFactory? loggerFactory = null) =>
        Open(new StoreOptions { Root = root }, loggerFactory);

    public static RegistryStore Open(StoreOptions options, ILoggerFactory? loggerFactory = null) =>
        Open(new FileSystem(), options, loggerFactory);

    /// <summary>Opens the store on <paramref name="fileSystem"/> (the real one, or a test's fault-injecting one), recovering it.</summary>
    public static RegistryStore Open(IFileSystem fileSystem, StoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        var store = new RegistryStore(options, fileSystem, PosixFileSync.Instance, loggerFactory);
        store.Recover();
        return store;
    }

    public string Root => _options.Root;

    public StorePaths Paths => _paths;

    public VersionRecords Versions { get; }

    public ContentLeases Leases { get; } = new();

    public PullRecords Pulls { get; }

    public DiskGuard Guard { get; }

    /// <summary>
    /// fsyncs of the temp directory so far, each a durable round shared by the publishes under way: what a commit
    /// waits for (a streamed import two rounds, <see cref="ImportBlob"/> one), for tests and measurements.
    /// </summary>
    public long TempDirectorySyncs => _files.TempDirectorySyncs;

    /// <summary>
    /// What a new upload session, a tag and the link files of a manifest add besides their content: a few directory
    /// entries and small files, each a block on most file systems.
    /// </summary>
    private const long MetadataBytes = 16 * 1024;

    /// <summary>
    /// Brings the store to a clean state after an unclean stop: creates the layout, drops temporary files
    /// (never visible content: objects only become visible by rename) and, unless
    /// <see cref="StoreOptions.PurgeStaleUploadsOnOpen"/> is off, removes stale uploads. Uploads
    /// younger than <see cref="StoreOptions.StaleUploadAge"/> stay resumable; their hash is rebuilt on demand.
    /// </summary>
    public void Recover()
    {
        try
        {
            _files.EnsureDirectory(_paths.Blobs);
            _files.EnsureDirectory(_paths.Repositories);
            if (_fs.Directory.Exists(_paths.Temp))
            {
                int removed = 0;
                foreach (string entry in _fs.Directory.EnumerateFileSystemEntries(_paths.Temp))
                {
                    if (_fs.Directory.Exists(entry)) _files.TryDeleteTree(entry);
                    else _files.TryDelete(entry);
                    removed++;
                }
                if (removed > 0) LogTempCleared(_logger, removed);
            }
            _files.EnsureDirectory(_paths.Temp);
            Pulls.Load();
            if (_options.PurgeStaleUploadsOnOpen)
            {
                int purged = PurgeStaleUploads();
                if (purged > 0) LogStaleUploadsPurged(_logger, purged);
            }
        }
        catch (IOException e)
        {
            throw IoFailures.Translate(e, $"opening the store at {Root}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(StoreError.IoFailure, $"opening the store at {Root} failed: {e.Message}", e);
        }
    }

    public StoreHealth CheckHealth()
    {
        string probe = _paths.NewTempFile() + ".probe";
        try
        {
            _files.WriteAtomically(probe, "ok"u8.ToArray());
            _fs.File.Delete(probe);
            return StoreHealth.Healthy;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _files.TryDelete(probe);
            string? unreadable = ReadProblem();
            return unreadable is null
                ? new StoreHealth(StoreHealthState.Degraded, $"the store at {Root} is not writable, still serving what it holds: {e.Message}")
                : new StoreHealth(StoreHealthState.Unhealthy, $"the store at {Root} cannot be read: {unreadable}");
        }
    }

    /// <summary>Null when the store's root and its repository tree can be listed (what every pull starts from).</summary>
    private string? ReadProblem()
    {
        try
        {
            _ = _fs.Directory.EnumerateFileSystemEntries(Root).FirstOrDefault();
            string repositories = _paths.Repositories;
            if (_fs.Directory.Exists(repositories)) _ = _fs.Directory.EnumerateFileSystemEntries(repositories).FirstOrDefault();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Removes uploads untouched for longer than <see cref="StoreOptions.StaleUploadAge"/>.</summary>
    public int PurgeStaleUploads() => _uploads.PurgeStale(_options.StaleUploadAge);

    // The read paths every pull takes (HEAD/GET of blobs and manifests) catch inline instead of going through
    // IoFailures.Guard: its message string and closure would be allocated on every request, not only on failure.

    public BlobInfo? StatBlob(RepositoryName repository, Digest digest)
    {
        try { return _blobs.Stat(repository, digest); }
        catch (IOException e) { throw IoFailures.Translate(e, $"reading blob {digest}"); }
    }

    public BlobReader? OpenBlob(RepositoryName repository, Digest digest)
    {
        try { return _blobs.Open(repository, digest); }
        catch (IOException e) { throw IoFailures.Translate(e, $"opening blob {digest}"); }
    }

    public bool DeleteBlob(RepositoryName repository, Digest digest, ChangeVersion? version = null)
    {
        string operation = $"deleting blob {digest}";
        // One step with an import's tombstone check and link (PublishImport): otherwise a copy that read "no
        // tombstone" just before a replicated delete recorded one would link the blob after it, and the node would
        // keep a link its own inventory says is deleted.
        lock (_revisionWrites.For(repository, LayerLockName(digest)))
        {
            bool unlinked = IoFailures.Guard(operation, () => _blobs.UnlinkLayer(repository, digest));
            // A replicated delete is recorded even when nothing is linked here yet (a copy of the blob may be under
            // way, and must then not link it); a client's delete of nothing is only "not found".
            if (!unlinked && version is null) return false;
            Raise(operation, new StoreChange(StoreChangeKind.BlobDeleted, repository, digest, Version: version));
            return unlinked;
        }
    }

    /// <summary>The revision lock of a repository's link to a blob (a tag or manifest name cannot start with "layer ").</summary>
    private static string LayerLockName(Digest digest) => "layer " + digest.ToString();

    public BlobInfo? MountBlob(RepositoryName repository, Digest digest, RepositoryName? from)
    {
        string operation = $"mounting blob {digest}";
        // Under the link's revision stripe, as ImportBlob and DeleteBlob: the link and its announcement are one step, so
        // a delete lands before (the mount links again, a client's new write) or after (it removes the link).
        lock (_revisionWrites.For(repository, LayerLockName(digest)))
        {
            var mounted = IoFailures.Guard(operation, () =>
            {
                // Leased: the collector cannot remove the bytes between the check and the link.
                using var lease = Leases.Acquire(digest);
                BlobInfo? source = from is null
                    ? _blobs.Length(digest) is long length ? new BlobInfo(digest, length) : null
                    : _blobs.Stat(from, digest);
                if (source is not BlobInfo info) return (BlobInfo?)null;
                _blobs.LinkLayer(repository, digest);
                return info;
            });
            // Announced after the link is durable (WriteLink fsyncs file and directory), as a pushed blob's is: without
            // it a client's cross-repository mount never reached the peers. A client's mount is a new write, so it
            // outranks an earlier delete of the link, as a push of the same blob would.
            if (mounted is BlobInfo blob)
                Raise(operation, new StoreChange(StoreChangeKind.BlobCommitted, repository, digest, Size: blob.Length));
            return mounted;
        }
    }

    public bool LinkReplicatedBlob(RepositoryName repository, Digest digest, ChangeVersion? version = null)
    {
        string operation = $"linking blob {digest}";
        // The same tombstone check + link + announcement under the stripe as ImportBlob: a link the inventory records as
        // deleted is not made again by a copy that found the bytes already here, nor by a peer's link older than the delete.
        lock (_revisionWrites.For(repository, LayerLockName(digest)))
        {
            long? linkedLength = IoFailures.Guard(operation, () =>
            {
                using var lease = Leases.Acquire(digest);
                if (_blobs.Length(digest) is not long length) return (long?)null;
                if (Versions.ReadBlob(repository, digest) is { Deleted: true } tombstone
                    && (version is not { } update || !VersionOrder.Supersedes(update.Version, update.Node, false, digest, tombstone with { Digest = digest })))
                    return null;
                _blobs.LinkLayer(repository, digest);
                return length;
            });
            if (linkedLength is not long size) return false;
            Raise(operation, new StoreChange(StoreChangeKind.BlobCommitted, repository, digest, Size: size, Version: version));
            return true;
        }
    }

    public UploadStatus StartUpload(RepositoryName repository)
    {
        // Refused up front when the store is already at a limit: the client learns before it sends a byte.
        using var reservation = Guard.Reserve(MetadataBytes, $"a new upload to {repository}");
        return IoFailures.Guard("starting an upload", () => _uploads.Start(repository));
    }

    public UploadStatus? GetUpload(RepositoryName repository, string uploadId) =>
        IoFailures.Guard($"reading upload {uploadId}", () => _uploads.Get(repository, uploadId));

    public async Task<UploadStatus> AppendUploadAsync(RepositoryName repository, string uploadId, PipeReader body,
        long? expectedOffset, long? expectedLength, CancellationToken cancellationToken)
    {
        using var reservation = Guard.Reserve(expectedLength ?? 0, $"a blob chunk for {repository}");
        return await IoFailures.GuardAsync($"writing to upload {uploadId}",
            () => _uploads.AppendAsync(repository, uploadId, body, expectedOffset, expectedLength, reservation, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<BlobInfo> CompleteUploadAsync(RepositoryName repository, string uploadId, Digest expected,
        PipeReader? finalChunk, long? expectedOffset, long? expectedLength, CancellationToken cancellationToken)
    {
        // Leased from before the commit until it is announced: the bytes cannot be collected under the commit's
        // "already there?" check (see ContentLeases).
        using var lease = Leases.Acquire(expected);
        using var reservation = finalChunk is null ? DiskReservation.None : Guard.Reserve(expectedLength ?? 0, $"a blob chunk for {repository}");
        var blob = await IoFailures.GuardAsync($"storing blob {expected}",
            () => _uploads.CompleteAsync(repository, uploadId, expected, finalChunk, expectedOffset, expectedLength, reservation, cancellationToken)).ConfigureAwait(false);
        Raise($"storing blob {expected}", new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        return blob;
    }

    public async Task<BlobInfo> PutBlobAsync(RepositoryName repository, Digest expected, PipeReader body, long? expectedLength,
        CancellationToken cancellationToken)
    {
        using var lease = Leases.Acquire(expected);
        using var reservation = Guard.Reserve((expectedLength ?? 0) + MetadataBytes, $"blob {expected} for {repository}");
        var blob = await IoFailures.GuardAsync($"storing blob {expected}", async () =>
        {
            var upload = _uploads.Start(repository);
            try
            {
                return await _uploads.CompleteAsync(repository, upload.Id, expected, body, 0, expectedLength, reservation, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _uploads.Cancel(repository, upload.Id);
                throw;
            }
        }).ConfigureAwait(false);
        Raise($"storing blob {expected}", new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        return blob;
    }

    public bool CancelUpload(RepositoryName repository, string uploadId) =>
        IoFailures.Guard($"cancelling upload {uploadId}", () => _uploads.Cancel(repository, uploadId));

    public Task<ManifestPutResult> PutManifestAsync(RepositoryName repository, string reference, string? contentType,
        ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        string operation = $"storing manifest {reference}";
        ManifestPutResult result;
        using (Guard.Reserve(content.Length + MetadataBytes, $"manifest {repository}:{reference}"))
        {
            // A push by digest locks the revision, a push by tag the tag (one lock per write, so none can deadlock).
            lock (_revisionWrites.For(repository, reference))
            {
                result = IoFailures.Guard(operation, () => _manifests.Put(repository, reference, contentType, content));
                var stored = new StoreChange(StoreChangeKind.ManifestStored, repository, result.Digest, Size: content.Length);
                if (Digest.TryParse(reference, out _)) Raise(operation, stored);
                else Raise(operation, stored, new StoreChange(StoreChangeKind.TagSet, repository, result.Digest, reference));
            }
        }
        return Task.FromResult(result);
    }

    public StoredManifest? GetManifest(RepositoryName repository, string reference) => GetManifest(repository, reference, cache: true);

    public StoredManifest? ReadManifest(RepositoryName repository, string reference) => GetManifest(repository, reference, cache: false);

    private StoredManifest? GetManifest(RepositoryName repository, string reference, bool cache)
    {
        try
        {
            var manifest = _manifests.Get(repository, reference, cache)?.Stored;
            // A manifest read while a collection runs is kept by it, as if leased (one volatile read otherwise).
            if (manifest is not null) Leases.Touch(manifest.Digest);
            return manifest;
        }
        catch (IOException e) { throw IoFailures.Translate(e, $"reading manifest {reference}"); }
    }

    public bool DeleteManifest(RepositoryName repository, string reference, ChangeVersion? version = null)
    {
        string operation = $"deleting manifest {reference}";
        bool byDigest = Digest.TryParse(reference, out var digest);
        if (!byDigest)
        {
            lock (_revisionWrites.For(repository, reference))
            {
                // Outranked by an update that landed while the delete travelled: the newer tag stands (nothing to record).
                if (version is { } update && NewerTagUpdateStored(repository, reference, update, deleted: true, null)) return true;
                var removed = IoFailures.Guard(operation, () => _manifests.Delete(repository, reference));
                if (removed is null) return false;
                Raise(operation, [.. removed.Select(tag => new StoreChange(StoreChangeKind.TagDeleted, repository, null, tag, Version: version))]);
                return true;
            }
        }
        lock (_revisionWrites.For(repository, reference))
        {
            // Outranked by a re-push or an import that landed while the delete travelled: the revision stands.
            if (version is { } update && NewerRevisionStored(repository, digest, update, deleted: true)) return true;
            var removedTags = IoFailures.Guard(operation, () => _manifests.Delete(repository, reference));
            if (removedTags is null) return false;
            // The version belongs to what was named: the manifest's, while the tags that go with it are new local changes,
            // raised with the digest they named (see StoreChangeKind.TagDeleted).
            var changes = removedTags.Select(tag => new StoreChange(StoreChangeKind.TagDeleted, repository, digest, tag));
            Raise(operation, [.. changes, new StoreChange(StoreChangeKind.ManifestDeleted, repository, digest, Version: version)]);
            return true;
        }
    }

    public event Action<StoreChange>? Changed;

    public BlobReader? OpenBlob(Digest digest)
    {
        try { return _blobs.OpenCommitted(digest); }
        catch (IOException e) { throw IoFailures.Translate(e, $"opening blob {digest}"); }
    }

    public long? BlobLength(Digest digest)
    {
        try { return _blobs.Length(digest); }
        catch (IOException e) { throw IoFailures.Translate(e, $"reading blob {digest}"); }
    }

    public BlobImport BeginBlobImport(Digest digest, long? size)
    {
        // Held by the import until it is committed or discarded: a copy of unknown size grows it as it writes.
        var reservation = Guard.Reserve((size ?? 0) + MetadataBytes, $"the copy of blob {digest}");
        try
        {
            return IoFailures.Guard($"importing blob {digest}", () =>
            {
                string temp = _paths.NewTempFile();
                // Read access too: an import whose writes were hashed by the caller may have to hash its file itself.
                // Shared: the import's appender opens the file again to write it (O_DIRECT where allowed).
                var file = _fs.FileStream.New(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 1);
                return new BlobImport(digest, size, temp, file, _sync, PublishImport, _files.TryDelete, reservation);
            });
        }
        catch
        {
            reservation.Dispose();
            throw;
        }
    }

    /// <summary>Publishes a file <see cref="BlobImport.Commit"/> verified and fsynced: rename, fsync directory, link, announce.</summary>
    private BlobInfo PublishImport(string verifiedFile, BlobInfo blob, RepositoryName? repository)
    {
        using var lease = Leases.Acquire(blob.Digest);
        _blobs.Commit(verifiedFile, blob.Digest);
        // A copy that was under way when the blob was deleted from this repository (here, or replicated) must not
        // link it again: the bytes stay for other repositories (or GC), the delete stands.
        if (repository is null) return blob;
        lock (_revisionWrites.For(repository, LayerLockName(blob.Digest)))
        {
            if (Versions.ReadBlob(repository, blob.Digest) is { Deleted: true }) return blob;
            _blobs.LinkLayer(repository, blob.Digest);
            Raise($"importing blob {blob.Digest}", new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        }
        return blob;
    }

    public StoredManifest? ImportManifest(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, ChangeVersion? version = null,
        bool cache = false)
    {
        string operation = $"importing manifest {digest}";
        lock (_revisionWrites.For(repository, digest.ToString()))
        {
            // A delete that landed while this copy was fetched, and outranks it: the revision stays deleted.
            if (version is { } update && NewerRevisionStored(repository, digest, update, deleted: false)) return null;
            // Not refused by the guard, only counted: a manifest is at most --max-manifest-bytes, the push that made it
            // was guarded on its own node, and a read-through must be able to answer the client (serving is never refused).
            Manifests.CachedManifest manifest;
            using (Guard.Counted(content.Length + MetadataBytes))
            {
                manifest = IoFailures.Guard(operation, () => _manifests.Import(repository, digest, content, cache));
            }
            Raise(operation, new StoreChange(StoreChangeKind.ManifestStored, repository, digest, Size: content.Length, Version: version));
            return manifest.Stored;
        }
    }

    /// <summary>
    /// True when a manifest revision's stored version outranks a replicated update or delete of it. Only the opposite
    /// outcome counts: a tombstone against an import, a live record against a delete. A live record against an import
    /// is the same state (or one this node's own collection removed the files of, which the copy must restore).
    /// </summary>
    private bool NewerRevisionStored(RepositoryName repository, Digest digest, ChangeVersion update, bool deleted)
    {
        var record = IoFailures.Guard($"reading the version of manifest {digest}", () => Versions.ReadManifest(repository, digest));
        return record is not null && record.Deleted != deleted
            && !VersionOrder.Supersedes(update.Version, update.Node, deleted, digest, record with { Digest = digest });
    }

    public bool SetTag(RepositoryName repository, string tag, Digest digest, ChangeVersion? version = null)
    {
        string operation = $"tagging {digest} as {tag}";
        lock (_revisionWrites.For(repository, tag))
        {
            if (version is { } update && NewerTagUpdateStored(repository, tag, update, deleted: false, digest)) return false;
            IoFailures.Guard(operation, () => { _manifests.SetTag(repository, tag, digest); return true; });
            Raise(operation, new StoreChange(StoreChangeKind.TagSet, repository, digest, tag, Version: version));
            return true;
        }
    }

    /// <summary>
    /// True when the tag's stored version outranks a replicated update: it landed while that update was on its way
    /// (its manifest being fetched), and writing the update now would move the tag back. A record for another digest
    /// than the visible tag is a write that did not complete (see the inventory's rebuild): it ranks as version 0.
    /// </summary>
    private bool NewerTagUpdateStored(RepositoryName repository, string tag, ChangeVersion update, bool deleted, Digest? digest)
    {
        var record = IoFailures.Guard($"reading the version of tag {tag}", () => Versions.ReadTag(repository, tag));
        if (record is null) return false;
        if (!record.Deleted && record.Digest != _tags.Resolve(repository, tag)) return false;
        return !VersionOrder.Supersedes(update.Version, update.Node, deleted, digest, record);
    }

    public ManifestReferences? GetReferences(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading manifest {digest}", () => _manifests.GetParsed(repository, digest)?.Parsed.References());

    public bool HoldsManifest(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading manifest {digest}", () => _manifests.Holds(repository, digest));

    public ManifestReferences? ReadReferences(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading manifest {digest}", () => _manifests.ReadParsed(repository, digest)?.Parsed.References());

    public IEnumerable<BlobInfo> EnumerateBlobs() => StoreEnumeration.Blobs(_fs, _paths);

    public IEnumerable<(RepositoryName Repository, Digest Digest)> EnumerateManifests() => StoreEnumeration.Manifests(_fs, _paths);

    public IReadOnlyList<(string Tag, Digest Digest)> ListTagTargets(RepositoryName repository) =>
        IoFailures.Guard($"listing tags of {repository}", () => _tags.List(repository));

    /// <summary>
    /// Runs the observers as the last step of the write (see <see cref="IRegistryStore.Changed"/>): what they record
    /// (replication's versions) is part of it, so their failure is the write's failure and reaches the caller as a
    /// <see cref="StoreException"/> — never logged and dropped, which would acknowledge a write whose version a
    /// restart then loses. Every change of the write is delivered even after one failed, so observers still see
    /// everything that became visible; the first failure is the one reported.
    /// </summary>
    private void Raise(string operation, params ReadOnlySpan<StoreChange> changes)
    {
        var handlers = Changed;
        if (handlers is null) return;
        Exception? first = null;
        foreach (var change in changes)
        {
            try
            {
                handlers(change);
            }
            catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
            {
                first ??= e;
            }
        }
        switch (first)
        {
            case null:
                return;
            case StoreException store:
                ExceptionDispatchInfo.Throw(store);
                break;
            case IOException io:
                throw IoFailures.Translate(io, operation);
            default:
                throw new StoreException(StoreError.IoFailure, $"{operation} failed: {first.Message}", first);
        }
    }

    public IReadOnlyList<string>? ListTags(RepositoryName repository) =>
        IoFailures.Guard($"listing tags of {repository}", () =>
            _fs.Directory.Exists(_paths.ManifestsDirectory(repository))
                ? _tags.List(repository).Select(static t => t.Tag).ToList()
                : null);

    public IReadOnlyList<string> ListRepositories() =>
        IoFailures.Guard("listing repositories", () => (IReadOnlyList<string>)RepositoryCatalog.List(_fs, _paths));

    public IReadOnlyList<ReferrerDescriptor> GetReferrers(RepositoryName repository, Digest subject, string? artifactType) =>
        IoFailures.Guard($"listing referrers of {subject}", () => _manifests.Referrers(repository, subject, artifactType));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Recovery removed {Count} temporary files left by an unclean stop")]
    private static partial void LogTempCleared(ILogger logger, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Removed {Count} stale uploads")]
    private static partial void LogStaleUploadsPurged(ILogger logger, int count);
}
