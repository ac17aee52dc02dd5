using System.IO.Abstractions;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Referrers;
using EdgeRegistry.Storage.Tags;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Manifests: validated on push, stored as blobs, linked as repository revisions, and (for manifests with a
/// subject) indexed for the referrers API. A push publishes in dependency order — blob, revision, referrer
/// link, tag — each step durable before the next, so a crash between steps never exposes a dangling reference.
/// </summary>
internal sealed partial class ManifestStore
{
    /// <summary>The OCI empty descriptor's content; artifacts reference it as config and some clients never upload it.</summary>
    private static readonly byte[] EmptyJson = "{}"u8.ToArray();
    private static readonly Digest EmptyJsonDigest = ContentHasher.Compute(DigestAlgorithm.Sha256, EmptyJson);

    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;
    private readonly BlobStore _blobs;
    private readonly TagStore _tags;
    private readonly ContentLeases _leases;
    private readonly ManifestCache _cache;
    private readonly long _maxBytes;
    private readonly ILogger _logger;

    public ManifestStore(IFileSystem fs, StorePaths paths, DurableFiles files, BlobStore blobs, TagStore tags,
        ContentLeases leases, StoreOptions options, ILogger logger)
    {
        _fs = fs;
        _paths = paths;
        _files = files;
        _blobs = blobs;
        _tags = tags;
        _leases = leases;
        _cache = new ManifestCache(options.ManifestCacheBytes);
        _maxBytes = options.MaxManifestBytes;
        _logger = logger;
    }

    public ManifestPutResult Put(RepositoryName repository, string reference, string? contentType, ReadOnlyMemory<byte> content)
    {
        if (content.Length > _maxBytes)
        {
            throw new StoreException(StoreError.TooLarge, $"the manifest is {content.Length} bytes; the limit is {_maxBytes}");
        }
        bool byDigest = Digest.TryParse(reference, out var referenceDigest);
        if (!byDigest && !Tag.IsValid(reference))
        {
            throw new StoreException(StoreError.ManifestInvalid, $"'{reference}' is neither a valid tag nor a digest") { Detail = reference };
        }
        var parsed = ManifestParser.Parse(content, contentType);
        var digest = ContentHasher.Compute(byDigest ? referenceDigest.Algorithm : DigestAlgorithm.Sha256, content.Span);
        if (byDigest && digest != referenceDigest)
        {
            throw new StoreException(StoreError.DigestMismatch, $"the manifest's digest is {digest}, not {referenceDigest}") { Detail = reference };
        }
        // Leased before the references are checked and held until the tag is set: the collector cannot remove any
        // of them in between, so a manifest is never published pointing at something gone (see ContentLeases).
        using var lease = _leases.Acquire(LeasedBy(digest, parsed));
        EnsureReferencesPresent(repository, parsed);

        Publish(repository, digest, parsed, content);
        if (!byDigest) _tags.Set(repository, reference, digest);
        return new ManifestPutResult(digest, parsed.Subject?.Digest);
    }

    /// <param name="cache">Keep it in the cache when read from disk: false for reads no client waits on (a peer copying
    /// every manifest would otherwise cycle the whole store through the cache, see <see cref="ManifestCache"/>).</param>
    public CachedManifest? Get(RepositoryName repository, string reference, bool cache = true)
    {
        Digest digest;
        if (Digest.TryParse(reference, out var parsedDigest))
        {
            if (!_fs.File.Exists(_paths.RevisionLink(repository, parsedDigest))) return null;
            digest = parsedDigest;
        }
        else if (!Tag.IsValid(reference) || _tags.Resolve(repository, reference) is not Digest tagged)
        {
            return null;
        }
        else
        {
            digest = tagged;
        }
        return Load(digest, cache);
    }

    /// <summary>Deletes a tag, or a manifest revision with every tag pointing at it; null when nothing matched, else the tags removed.</summary>
    public IReadOnlyList<string>? Delete(RepositoryName repository, string reference)
    {
        if (!Digest.TryParse(reference, out var digest))
        {
            return Tag.IsValid(reference) && _tags.Delete(repository, reference) ? [reference] : null;
        }
        string revision = _paths.RevisionLink(repository, digest);
        if (!_fs.File.Exists(revision)) return null;
        var manifest = Load(digest);
        var removedTags = new List<string>();
        foreach (var (tag, target) in _tags.List(repository))
        {
            if (target == digest && _tags.DeleteIf(repository, tag, digest)) removedTags.Add(tag);
        }
        if (manifest?.Parsed.Subject is { } subject)
        {
            _files.RemoveDirectoryAtomically(Path.GetDirectoryName(_paths.ReferrerLink(repository, subject.Digest, digest))!);
        }
        return _files.RemoveDirectoryAtomically(Path.GetDirectoryName(revision)!) ? removedTags : null;
    }

    /// <summary>
    /// Stores a manifest that another registry of the cluster already accepted: the digest is verified and the
    /// JSON parsed, but the referenced blobs need not be here yet — they are linked into the repository now and
    /// their data arrives by read-through or replication. Serving stays safe because the API answers such a
    /// manifest only when it is complete (every referenced object servable).
    /// </summary>
    /// <param name="cache">Keep the imported manifest in the cache: for a read-through, whose client reads it right
    /// after; not for a bulk copy (a wiped node re-learns every manifest of the cluster, and the first pull caches it).</param>
    public CachedManifest Import(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, bool cache)
    {
        if (content.Length > _maxBytes)
        {
            throw new StoreException(StoreError.TooLarge, $"the manifest is {content.Length} bytes; the limit is {_maxBytes}");
        }
        if (ContentHasher.Compute(digest.Algorithm, content.Span) != digest)
        {
            throw new StoreException(StoreError.DigestMismatch, $"the manifest's content does not match {digest}") { Detail = digest.ToString() };
        }
        var parsed = ManifestParser.Parse(content, contentType: null);
        using var lease = _leases.Acquire(LeasedBy(digest, parsed));
        PublishImported(repository, digest, parsed, content);
        var manifest = new CachedManifest(new StoredManifest(digest, parsed.MediaType, content.ToArray()), parsed);
        if (cache) _cache.Add(manifest);
        return manifest;
    }

    /// <summary>
    /// A replica's import brings a manifest the repository lacks, and with it links the repository lacks too: every
    /// file it needs is staged (written and fsynced in the temp directory) and all are published in ONE durable round,
    /// in dependency order — the layer links, the manifest's bytes, its revision link, its referrer link. A rehydrating
    /// node applied manifests one durable round per file (about 8 in a row per manifest), the slowest step of a
    /// mirror's rehydration; whatever a power cut keeps of the renames is a prefix of that order (see
    /// <see cref="DurableFiles.PublishFromTemp"/>), so the revision never survives without the bytes and links before it.
    /// </summary>
    private void PublishImported(RepositoryName repository, Digest digest, ParsedManifest parsed, ReadOnlyMemory<byte> content)
    {
        var contents = new List<ReadOnlyMemory<byte>>(parsed.Layers.Count + 4);
        var destinations = new List<string>(parsed.Layers.Count + 4);
        void Stage(ReadOnlyMemory<byte> bytes, string destination)
        {
            contents.Add(bytes);
            destinations.Add(destination);
        }
        void StageLink(string link, Digest target, bool likelyAbsent)
        {
            // likelyAbsent: one stat says so, where a read that finds nothing costs an open, .NET's stat and an exception.
            if ((!likelyAbsent || _fs.File.Exists(link)) && LinkFiles.Read(_fs, link) == target) return;
            Stage(System.Text.Encoding.ASCII.GetBytes(target.ToString()), link);
        }

        if (parsed.Config is { } config) StageLink(_paths.LayerLink(repository, config.Digest), config.Digest, likelyAbsent: true);
        foreach (var layer in parsed.Layers)
        {
            if (!layer.HasUrls) StageLink(_paths.LayerLink(repository, layer.Digest), layer.Digest, likelyAbsent: true);
        }
        if (!_blobs.Exists(digest)) Stage(content, _paths.BlobData(digest));
        StageLink(_paths.RevisionLink(repository, digest), digest, likelyAbsent: false);
        if (parsed.Subject is { } subject) StageLink(_paths.ReferrerLink(repository, subject.Digest, digest), digest, likelyAbsent: false);

        string[] temps = _files.WriteTempFiles(contents);
        try
        {
            var files = new (string Source, string Destination)[temps.Length];
            for (int i = 0; i < temps.Length; i++) files[i] = (temps[i], destinations[i]);
            // Even with nothing missing this waits for a round: a concurrent writer may have renamed the same files
            // and not made them durable yet, and the caller announces the manifest once this returns.
            _files.PublishFromTemp(files);
        }
        catch
        {
            // A name already renamed into place is gone from the temp directory (a no-op); the rest is dropped.
            foreach (string temp in temps) _files.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Makes a validated manifest visible in the repository, in dependency order, each step durable before the
    /// next: its bytes as a blob, its revision link, then its referrer link. (A tag, if any, comes after.)
    /// </summary>
    private CachedManifest Publish(RepositoryName repository, Digest digest, ParsedManifest parsed, ReadOnlyMemory<byte> content, bool cache = true)
    {
        if (!_blobs.Exists(digest)) _files.WriteAtomically(_paths.BlobData(digest), content);
        string revision = _paths.RevisionLink(repository, digest);
        if (LinkFiles.Read(_fs, revision) != digest) _files.WriteLink(revision, digest.ToString());
        if (parsed.Subject is { } subject)
        {
            string referrer = _paths.ReferrerLink(repository, subject.Digest, digest);
            if (LinkFiles.Read(_fs, referrer) != digest) _files.WriteLink(referrer, digest.ToString());
        }
        var manifest = new CachedManifest(new StoredManifest(digest, parsed.MediaType, content.ToArray()), parsed);
        if (cache) _cache.Add(manifest);
        return manifest;
    }

    /// <summary>Forgets the cached copy of a manifest whose bytes were quarantined (see <see cref="ManifestCache.Remove"/>).</summary>
    public void Forget(Digest digest) => _cache.Remove(digest);

    /// <summary>Points a tag at a manifest the repository already holds.</summary>
    public void SetTag(RepositoryName repository, string tag, Digest digest)
    {
        if (!Tag.IsValid(tag)) throw new StoreException(StoreError.ManifestInvalid, $"'{tag}' is not a valid tag") { Detail = tag };
        using var lease = _leases.Acquire(digest);
        if (!_fs.File.Exists(_paths.RevisionLink(repository, digest)))
        {
            throw new StoreException(StoreError.ManifestUnknown, $"repository '{repository}' holds no manifest {digest}") { Detail = digest.ToString() };
        }
        _tags.Set(repository, tag, digest);
    }

    /// <summary>
    /// True when the repository holds the manifest: its revision link and its bytes are there. Two stats, where
    /// <see cref="GetParsed"/> reads, verifies and parses the bytes: for a caller that only decides whether to fetch it.
    /// </summary>
    public bool Holds(RepositoryName repository, Digest digest) =>
        _fs.File.Exists(_paths.RevisionLink(repository, digest)) && _blobs.Exists(digest);

    /// <summary>The parsed form of a manifest the repository holds (for completeness checks); null when absent.</summary>
    public CachedManifest? GetParsed(RepositoryName repository, Digest digest) =>
        _fs.File.Exists(_paths.RevisionLink(repository, digest)) ? Load(digest) : null;

    /// <summary>
    /// <see cref="GetParsed"/> for a walk over the whole store (replication's inventory build): the manifest is read
    /// and verified but not kept in the cache — a walk would fill it with every manifest once, and a clustered node
    /// with 16 k repositories then idled ~60 MB above a stand-alone one with the parsed copies.
    /// </summary>
    public CachedManifest? ReadParsed(RepositoryName repository, Digest digest) =>
        _fs.File.Exists(_paths.RevisionLink(repository, digest)) ? Load(digest, cache: false) : null;

    public IReadOnlyList<ReferrerDescriptor> Referrers(RepositoryName repository, Digest subject, string? artifactType)
    {
        string directory = _paths.ReferrersDirectory(repository, subject);
        var result = new List<ReferrerDescriptor>();
        if (!_fs.Directory.Exists(directory)) return result;
        foreach (string algorithmDirectory in _fs.Directory.EnumerateDirectories(directory))
        {
            foreach (string linkDirectory in _fs.Directory.EnumerateDirectories(algorithmDirectory))
            {
                if (LinkFiles.Read(_fs, StorePaths.LinkFile(linkDirectory)) is not Digest digest) continue;
                if (!_fs.File.Exists(_paths.RevisionLink(repository, digest))) continue;
                if (Load(digest) is not { } manifest) continue;
                string? type = manifest.Parsed.EffectiveArtifactType;
                if (artifactType is not null && type != artifactType) continue;
                result.Add(new ReferrerDescriptor(manifest.Stored.MediaType, digest, manifest.Stored.Size, type, manifest.Parsed.Annotations));
            }
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Digest.ToString(), b.Digest.ToString()));
        return result;
    }

    /// <summary>Reads, verifies and parses a manifest blob; a corrupt or unreadable one is reported and treated as absent.</summary>
    private CachedManifest? Load(Digest digest, bool cache = true)
    {
        if (_cache.TryGet(digest, out var cached)) return cached;
        byte[] content;
        try
        {
            long? length = _blobs.Length(digest);
            if (length is null) return null;
            if (length > _maxBytes)
            {
                LogCorrupt(_logger, digest, $"{length} bytes exceeds the manifest limit");
                return null;
            }
            content = _fs.File.ReadAllBytes(_paths.BlobData(digest));
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (IOException e) { throw IoFailures.Translate(e, $"reading manifest {digest}"); }

        if (ContentHasher.Compute(digest.Algorithm, content) != digest)
        {
            LogCorrupt(_logger, digest, "content does not match its digest");
            return null;
        }
        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(content, contentType: null);
        }
        catch (StoreException e)
        {
            LogCorrupt(_logger, digest, e.Message);
            return null;
        }
        var manifest = new CachedManifest(new StoredManifest(digest, parsed.MediaType, content), parsed);
        if (cache) _cache.Add(manifest);
        return manifest;
    }

    /// <summary>The manifest itself and everything it references: what a write of it leases.</summary>
    private static Digest[] LeasedBy(Digest digest, ParsedManifest parsed)
    {
        var references = parsed.References();
        var digests = new List<Digest>(references.Blobs.Count + references.Manifests.Count + 1) { digest };
        foreach (var blob in references.Blobs) digests.Add(blob.Digest);
        foreach (var child in references.Manifests) digests.Add(child.Digest);
        return [.. digests];
    }

    private void EnsureReferencesPresent(RepositoryName repository, ParsedManifest parsed)
    {
        if (parsed.Config is { } config) EnsureBlobPresent(repository, config);
        foreach (var layer in parsed.Layers)
        {
            // Non-distributable layers (with urls) live elsewhere by design.
            if (!layer.HasUrls) EnsureBlobPresent(repository, layer);
        }
        // A sparse index is accepted: only the children this node's platform needs must be here (RequiredChildren).
        foreach (var child in RequiredChildren.Of(parsed.References().Manifests, ManifestPlatform.Current))
        {
            if (!_fs.File.Exists(_paths.RevisionLink(repository, child.Digest)))
            {
                throw new StoreException(StoreError.ManifestBlobUnknown,
                    $"the index references manifest {child.Digest}, which repository '{repository}' does not hold") { Detail = child.Digest.ToString() };
            }
        }
    }

    private void EnsureBlobPresent(RepositoryName repository, Descriptor descriptor)
    {
        if (_blobs.Stat(repository, descriptor.Digest) is BlobInfo info)
        {
            if (info.Length != descriptor.Size)
            {
                throw new StoreException(StoreError.ManifestInvalid,
                    $"descriptor {descriptor.Digest} declares size {descriptor.Size} but the blob is {info.Length} bytes") { Detail = descriptor.Digest.ToString() };
            }
            return;
        }
        if (descriptor.Digest == EmptyJsonDigest && descriptor.Size == EmptyJson.Length)
        {
            if (!_blobs.Exists(EmptyJsonDigest)) _files.WriteAtomically(_paths.BlobData(EmptyJsonDigest), EmptyJson);
            _blobs.LinkLayer(repository, EmptyJsonDigest);
            return;
        }
        throw new StoreException(StoreError.ManifestBlobUnknown,
            $"the manifest references blob {descriptor.Digest}, which repository '{repository}' does not hold") { Detail = descriptor.Digest.ToString() };
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Stored manifest {Digest} is unusable ({Reason}); treating it as absent")]
    private static partial void LogCorrupt(ILogger logger, Digest digest, string reason);
}
