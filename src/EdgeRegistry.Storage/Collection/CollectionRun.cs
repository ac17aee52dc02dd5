using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Collection;

/// <summary>The state of one <see cref="GarbageCollector.Collect"/>: the store as read, what is kept, what was deleted.</summary>
internal sealed class CollectionRun
{
    private readonly RegistryStore _store;
    private readonly CollectionOptions _options;
    private readonly DateTimeOffset _now;
    private readonly bool _dryRun;
    private readonly ClusterRoots _cluster;
    private readonly Dictionary<string, Counts> _byRepository = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly Dictionary<(RepositoryName Repository, Digest Digest), ManifestReferences?> _manifests = [];
    private readonly HashSet<(RepositoryName, Digest)> _kept = [];
    private readonly HashSet<(RepositoryName, Digest)> _deleted = [];
    private readonly SortedSet<string> _deferredIn = new(StringComparer.Ordinal);
    private int _manifestsDeleted, _tagsDeleted, _blobsDeleted, _keptInUse, _deferred;
    private long _bytes;
    private bool _unreadable;

    public CollectionRun(RegistryStore store, CollectionOptions options, DateTimeOffset now, bool dryRun, ClusterRoots cluster)
    {
        _store = store;
        _options = options;
        _now = now;
        _dryRun = dryRun;
        _cluster = cluster;
    }

    /// <summary>
    /// False when the cluster view is not settled for the repository (see <see cref="ClusterRoots"/>): a delete here
    /// would replicate over something a peer still needs. The deferred object is counted and collected by a later run.
    /// </summary>
    private bool MayDeleteIn(RepositoryName repository)
    {
        if (_cluster.Incomplete is null && !_cluster.Unsettled.Contains(repository)) return true;
        _deferred++;
        _deferredIn.Add(repository.Value);
        return false;
    }

    private bool Young(DateTimeOffset? modified) => modified is { } m && _now - m < _options.Grace;

    private RetentionPolicy? PolicyFor(RepositoryName repository) =>
        _options.Policies.FirstOrDefault(p => p.Repositories.Matches(repository.Value));

    /// <summary>Deletes the tags a restricting policy does not keep (as API tag deletes: they replicate).</summary>
    public void ApplyRetention(CancellationToken cancellationToken)
    {
        foreach (string name in _store.ListRepositories())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var repository = RepositoryName.Parse(name);
            if (PolicyFor(repository) is not { RestrictsTags: true } policy) continue;
            var tags = _store.ListTagTargets(repository)
                .Select(t => (t.Tag, t.Digest, Pushed: TagPushed(repository, t.Tag)))
                .OrderByDescending(static t => t.Pushed)
                .ThenBy(static t => t.Tag, StringComparer.Ordinal)
                .ToList();
            for (int i = 0; i < tags.Count; i++)
            {
                var (tag, digest, pushed) = tags[i];
                bool keep = (policy.KeepLast is int last && i < last)
                    || policy.KeepTags.Any(p => p.Matches(tag))
                    || _options.Pins.Any(p => p.Pins(repository.Value, tag) || p.Digest == digest)
                    || _now - pushed < _options.Grace;
                if (keep || !MayDeleteIn(repository)) continue;
                if (!_dryRun && !DeleteTag(repository, tag, digest)) continue;
                _tagsDeleted++;
                Count(repository).Tags++;
            }
        }
    }

    private bool DeleteTag(RepositoryName repository, string tag, Digest digest)
    {
        // Claimed like any delete: a push or a pull of the tag's manifest since the run began keeps it this time.
        if (!_store.Leases.TryClaim(digest))
        {
            _keptInUse++;
            return false;
        }
        try
        {
            return _store.DeleteTagIf(repository, tag, digest);
        }
        finally
        {
            _store.Leases.ReleaseClaim(digest);
        }
    }

    /// <summary>When a tag was last set: its replication version (the same on every node), else its link's age.</summary>
    private DateTimeOffset TagPushed(RepositoryName repository, string tag)
    {
        var record = _store.Versions.ReadTag(repository, tag);
        var linked = _store.Modified(_store.Paths.TagCurrentLink(repository, tag)) ?? DateTimeOffset.MinValue;
        return record is { Version: > 0 } r && VersionTime(r.Version) > linked ? VersionTime(r.Version) : linked;
    }

    /// <summary>A replication version is a hybrid logical clock: wall-clock milliseconds in the high 48 bits.</summary>
    private static DateTimeOffset VersionTime(long version) => DateTimeOffset.FromUnixTimeMilliseconds(version >> 16);

    /// <summary>Reads every manifest and marks what is kept: the roots, then everything they reach.</summary>
    public void Mark(CancellationToken cancellationToken)
    {
        foreach (var (repository, digest) in _store.EnumerateManifests())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ManifestReferences? references;
            try
            {
                references = _store.ReadReferences(repository, digest);
            }
            catch (StoreException e)
            {
                _notes.Add($"manifest {repository}@{digest} could not be read ({e.Message})");
                references = null;
            }
            if (references is null) _unreadable = true;
            _manifests[(repository, digest)] = references;
        }
        if (_unreadable) _notes.Add("an unreadable manifest was kept, and no blob was swept: what it references is unknown");

        var subjects = new Dictionary<(RepositoryName, Digest), List<Digest>>();
        foreach (var ((repository, digest), references) in _manifests)
        {
            if (references?.Subject is { } subject)
            {
                if (!subjects.TryGetValue((repository, subject), out var list)) subjects[(repository, subject)] = list = [];
                list.Add(digest);
            }
        }

        var work = new Stack<(RepositoryName, Digest)>();
        foreach (string name in _store.ListRepositories())
        {
            var repository = RepositoryName.Parse(name);
            foreach (var (_, digest) in _store.ListTagTargets(repository)) work.Push((repository, digest));
        }
        foreach (var (key, references) in _manifests)
        {
            if (references is null || IsRoot(key.Repository, key.Digest)) work.Push(key);
        }
        while (work.TryPop(out var key))
        {
            if (!_kept.Add(key) || !_manifests.TryGetValue(key, out var references) || references is null) continue;
            foreach (var child in references.Manifests) work.Push((key.Item1, child.Digest));
            if (subjects.TryGetValue(key, out var referrers))
            {
                foreach (var referrer in referrers) work.Push((key.Item1, referrer));
            }
        }
    }

    /// <summary>Pinned, younger than the grace period, or pushed or pulled within the retention window.</summary>
    private bool IsRoot(RepositoryName repository, Digest digest)
    {
        if (_options.Pins.Any(p => p.Digest == digest)) return true;
        var linked = _store.Modified(_store.Paths.RevisionLink(repository, digest));
        if (Young(linked)) return true;
        var retention = PolicyFor(repository)?.UntaggedAfter ?? _options.PullRetention;
        var pushed = _store.Versions.ReadManifest(repository, digest) is { Version: > 0 } record ? VersionTime(record.Version) : DateTimeOffset.MinValue;
        if (linked is { } l && l > pushed) pushed = l;
        if (_now - pushed < retention) return true;
        if (_store.Pulls.LastPulled(digest) is { } pulled && _now - pulled < retention) return true;
        return _cluster.Pulled.TryGetValue(digest, out var elsewhere) && _now - elsewhere < retention;
    }

    /// <summary>Deletes what the mark did not keep, through the store's own delete (a tombstone that replicates).</summary>
    public void DeleteManifests(CancellationToken cancellationToken)
    {
        // Pinned tags keep their manifests even in repositories without a policy.
        foreach (var pin in _options.Pins.Where(static p => p.Repository is not null))
        {
            foreach (var (repository, _) in _manifests.Keys.Where(k => pin.Repository!.Matches(k.Repository.Value)).Distinct().ToList())
            {
                foreach (var (tag, digest) in _store.ListTagTargets(repository))
                {
                    if (pin.Pins(repository.Value, tag)) _kept.Add((repository, digest));
                }
            }
        }
        foreach (var key in _manifests.Keys.OrderBy(static k => k.Repository.Value, StringComparer.Ordinal).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_kept.Contains(key)) continue;
            var (repository, digest) = key;
            if (!MayDeleteIn(repository))
            {
                // Still live: the sweep keeps what it references.
                _kept.Add(key);
                continue;
            }
            if (!_dryRun)
            {
                if (!_store.Leases.TryClaim(digest))
                {
                    _keptInUse++;
                    continue;
                }
                try
                {
                    if (!_store.DeleteManifest(repository, digest.ToString())) continue;
                }
                finally
                {
                    _store.Leases.ReleaseClaim(digest);
                }
            }
            _deleted.Add(key);
            _manifestsDeleted++;
            Count(repository).Manifests++;
        }
    }

    /// <summary>Removes this node's copies of blobs no remaining manifest needs.</summary>
    public void SweepBlobs(CancellationToken cancellationToken)
    {
        if (_unreadable) return;
        var live = new HashSet<Digest>();
        foreach (var (key, references) in _manifests)
        {
            if (_deleted.Contains(key)) continue;
            live.Add(key.Digest);
            foreach (var blob in references!.Blobs) live.Add(blob.Digest);
            foreach (var child in references.Manifests) live.Add(child.Digest);
        }
        var links = new Dictionary<Digest, List<RepositoryName>>();
        foreach (string name in _store.ListRepositories())
        {
            var repository = RepositoryName.Parse(name);
            foreach (var digest in _store.EnumerateLayerLinks(repository))
            {
                if (live.Contains(digest)) continue;
                if (!links.TryGetValue(digest, out var list)) links[digest] = list = [];
                list.Add(repository);
            }
        }
        foreach (var blob in _store.EnumerateBlobs().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (live.Contains(blob.Digest) || Young(_store.Modified(_store.Paths.BlobData(blob.Digest)))) continue;
            var linkedIn = links.GetValueOrDefault(blob.Digest) ?? [];
            long bytes = blob.Length;
            if (!_dryRun)
            {
                if (!_store.Leases.TryClaim(blob.Digest))
                {
                    _keptInUse++;
                    continue;
                }
                try
                {
                    bytes = _store.SweepBlob(blob.Digest, linkedIn);
                }
                finally
                {
                    _store.Leases.ReleaseClaim(blob.Digest);
                }
            }
            _blobsDeleted++;
            _bytes += bytes;
            foreach (var repository in linkedIn)
            {
                var counts = Count(repository);
                counts.Blobs++;
                counts.Bytes += bytes;
            }
        }
    }

    private Counts Count(RepositoryName repository)
    {
        if (!_byRepository.TryGetValue(repository.Value, out var counts)) _byRepository[repository.Value] = counts = new Counts();
        return counts;
    }

    public CollectionReport Report(TimeSpan duration, string reason)
    {
        if (_deferred > 0)
        {
            string where = _cluster.Incomplete ?? $"a peer's updates to {string.Join(", ", _deferredIn.Take(5))}{(_deferredIn.Count > 5 ? ", …" : "")} are not applied here yet";
            _notes.Add($"{_deferred} manifest or tag deletes deferred to a later run: {where}");
        }
        return BuildReport(duration, reason);
    }

    private CollectionReport BuildReport(TimeSpan duration, string reason) => new()
    {
        DryRun = _dryRun,
        Started = _now,
        Duration = duration,
        Reason = reason,
        ManifestsDeleted = _manifestsDeleted,
        TagsDeleted = _tagsDeleted,
        BlobsDeleted = _blobsDeleted,
        BytesReclaimed = _bytes,
        KeptInUse = _keptInUse,
        Deferred = _deferred,
        Notes = _notes,
        Repositories = _byRepository.OrderBy(static p => p.Key, StringComparer.Ordinal)
            .Select(static p => new RepositoryCollection(p.Key, p.Value.Manifests, p.Value.Tags, p.Value.Blobs, p.Value.Bytes)).ToList(),
    };

    private sealed class Counts
    {
        public int Manifests;
        public int Tags;
        public int Blobs;
        public long Bytes;
    }
}
