using System.IO.Abstractions;
using System.IO.Pipelines;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Referrers;
using EdgeRegistry.Storage.Tags;
using EdgeRegistry.Storage.Uploads;
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
        _manifests = new ManifestStore(fileSystem, _paths, _files, _blobs, _tags, _options, _logger);
    }

    /// <summary>Opens (creating if needed) a store on the real file system and recovers it after any crash.</summary>
    public static RegistryStore Open(string root, ILoggerFactory? loggerFactory = null) =>
        Open(new StoreOptions { Root = root }, loggerFactory);

    public static RegistryStore Open(StoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        var store = new RegistryStore(options, new FileSystem(), PosixFileSync.Instance, loggerFactory);
        store.Recover();
        return store;
    }

    public string Root => _options.Root;

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

    public string? CheckHealth()
    {
        string probe = _paths.NewTempFile() + ".probe";
        try
        {
            _files.WriteAtomically(probe, "ok"u8);
            _fs.File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _files.TryDelete(probe);
            return $"the store at {Root} is not writable: {e.Message}";
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

    public bool DeleteBlob(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"deleting blob {digest}", () => _blobs.UnlinkLayer(repository, digest));

    public BlobInfo? MountBlob(RepositoryName repository, Digest digest, RepositoryName? from) =>
        IoFailures.Guard($"mounting blob {digest}", () =>
        {
            BlobInfo? source = from is null
                ? _blobs.Length(digest) is long length ? new BlobInfo(digest, length) : null
                : _blobs.Stat(from, digest);
            if (source is not BlobInfo info) return (BlobInfo?)null;
            _blobs.LinkLayer(repository, digest);
            return info;
        });

    public UploadStatus StartUpload(RepositoryName repository) =>
        IoFailures.Guard("starting an upload", () => _uploads.Start(repository));

    public UploadStatus? GetUpload(RepositoryName repository, string uploadId) =>
        IoFailures.Guard($"reading upload {uploadId}", () => _uploads.Get(repository, uploadId));

    public Task<UploadStatus> AppendUploadAsync(RepositoryName repository, string uploadId, PipeReader body,
        long? expectedOffset, long? expectedLength, CancellationToken cancellationToken) =>
        IoFailures.GuardAsync($"writing to upload {uploadId}",
            () => _uploads.AppendAsync(repository, uploadId, body, expectedOffset, expectedLength, cancellationToken));

    public async Task<BlobInfo> CompleteUploadAsync(RepositoryName repository, string uploadId, Digest expected,
        PipeReader? finalChunk, long? expectedOffset, long? expectedLength, CancellationToken cancellationToken)
    {
        var blob = await IoFailures.GuardAsync($"storing blob {expected}",
            () => _uploads.CompleteAsync(repository, uploadId, expected, finalChunk, expectedOffset, expectedLength, cancellationToken)).ConfigureAwait(false);
        Raise(new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        return blob;
    }

    public async Task<BlobInfo> PutBlobAsync(RepositoryName repository, Digest expected, PipeReader body, long? expectedLength,
        CancellationToken cancellationToken)
    {
        var blob = await IoFailures.GuardAsync($"storing blob {expected}", async () =>
        {
            var upload = _uploads.Start(repository);
            try
            {
                return await _uploads.CompleteAsync(repository, upload.Id, expected, body, 0, expectedLength, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _uploads.Cancel(repository, upload.Id);
                throw;
            }
        }).ConfigureAwait(false);
        Raise(new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        return blob;
    }

    public bool CancelUpload(RepositoryName repository, string uploadId) =>
        IoFailures.Guard($"cancelling upload {uploadId}", () => _uploads.Cancel(repository, uploadId));

    public Task<ManifestPutResult> PutManifestAsync(RepositoryName repository, string reference, string? contentType,
        ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var result = IoFailures.Guard($"storing manifest {reference}", () => _manifests.Put(repository, reference, contentType, content));
        Raise(new StoreChange(StoreChangeKind.ManifestStored, repository, result.Digest, Size: content.Length));
        if (!Digest.TryParse(reference, out _)) Raise(new StoreChange(StoreChangeKind.TagSet, repository, result.Digest, reference));
        return Task.FromResult(result);
    }

    public StoredManifest? GetManifest(RepositoryName repository, string reference)
    {
        try { return _manifests.Get(repository, reference)?.Stored; }
        catch (IOException e) { throw IoFailures.Translate(e, $"reading manifest {reference}"); }
    }

    public bool DeleteManifest(RepositoryName repository, string reference)
    {
        var removedTags = IoFailures.Guard($"deleting manifest {reference}", () => _manifests.Delete(repository, reference));
        if (removedTags is null) return false;
        foreach (string tag in removedTags) Raise(new StoreChange(StoreChangeKind.TagDeleted, repository, null, tag));
        if (Digest.TryParse(reference, out var digest)) Raise(new StoreChange(StoreChangeKind.ManifestDeleted, repository, digest));
        return true;
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

    public BlobImport BeginBlobImport(Digest digest, long? size) =>
        IoFailures.Guard($"importing blob {digest}", () =>
        {
            string temp = _paths.NewTempFile();
            // Read access too: an import whose writes were hashed by the caller may have to hash its file itself.
            // Shared: the import's appender opens the file again to write it (O_DIRECT where allowed).
            var file = _fs.FileStream.Create(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 1);
            return new BlobImport(digest, size, temp, file, _sync, PublishImport, _files.TryDelete);
        });

    /// <summary>Publishes a file <see cref="BlobImport.Commit"/> verified and fsynced: rename, fsync directory, link, announce.</summary>
    private BlobInfo PublishImport(string verifiedFile, BlobInfo blob, RepositoryName repository)
    {
        _blobs.Commit(verifiedFile, blob.Digest);
        _blobs.LinkLayer(repository, blob.Digest);
        Raise(new StoreChange(StoreChangeKind.BlobCommitted, repository, blob.Digest, Size: blob.Length));
        return blob;
    }

    public StoredManifest ImportManifest(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content)
    {
        var manifest = IoFailures.Guard($"importing manifest {digest}", () => _manifests.Import(repository, digest, content));
        Raise(new StoreChange(StoreChangeKind.ManifestStored, repository, digest, Size: content.Length));
        return manifest.Stored;
    }

    public void SetTag(RepositoryName repository, string tag, Digest digest)
    {
        IoFailures.Guard($"tagging {digest} as {tag}", () => { _manifests.SetTag(repository, tag, digest); return true; });
        Raise(new StoreChange(StoreChangeKind.TagSet, repository, digest, tag));
    }

    public ManifestReferences? GetReferences(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading manifest {digest}", () => _manifests.GetParsed(repository, digest)?.Parsed.References());

    public IEnumerable<BlobInfo> EnumerateBlobs() => StoreEnumeration.Blobs(_fs, _paths);

    public IEnumerable<(RepositoryName Repository, Digest Digest)> EnumerateManifests() => StoreEnumeration.Manifests(_fs, _paths);

    public IReadOnlyList<(string Tag, Digest Digest)> ListTagTargets(RepositoryName repository) =>
        IoFailures.Guard($"listing tags of {repository}", () => _tags.List(repository));

    /// <summary>Observers must not throw into the write path: the change is already durable.</summary>
    private void Raise(StoreChange change)
    {
        var handlers = Changed;
        if (handlers is null) return;
        try
        {
            handlers(change);
        }
        catch (Exception e)
        {
            LogObserverFailed(_logger, change.Kind.ToString(), e);
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

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "A store change observer failed on {Kind}")]
    private static partial void LogObserverFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Recovery removed {Count} temporary files left by an unclean stop")]
    private static partial void LogTempCleared(ILogger logger, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Removed {Count} stale uploads")]
    private static partial void LogStaleUploadsPurged(ILogger logger, int count);
}
