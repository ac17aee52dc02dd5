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
    /// <summary>What the remaining manifests are and reference: all the walk keeps of the store beside its counts.</summary>
    private readonly DigestSet _live = new();
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

    // Claimed like any delete: a push or a pull of the tag's manifest since the run began keeps it this time.
    private bool DeleteTag(RepositoryName repository, string tag, Digest digest) =>
        UnderClaim(digest, () => _store.DeleteTagIf(repository, tag, digest));

    /// <summary>
    /// Runs a delete under the digest's claim (<see cref="ContentLeases.TryClaim"/>): false, counted as in use, when a
    /// write or a read since the run began holds it — that, not the grace period, is what a racing push relies on.
    /// </summary>
    private bool UnderClaim(Digest digest, Func<bool> delete)
    {
        if (!_store.Leases.TryClaim(digest))
        {
            _keptInUse++;
            return false;
        }
        try
        {
            return delete();
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

    /// <summary>
    /// Marks and deletes a repository at a time, in lexical order: reads its manifests, keeps the roots (its tags,
    /// pins, what is young or was pushed or pulled within the retention window, what cannot be read) and everything
    /// they reach, deletes the rest, and adds what the remaining manifests reference to the live set the sweep reads.
    /// </summary>
    public void CollectManifests(CancellationToken cancellationToken)
    {
        foreach (string name in _store.ListRepositories())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!RepositoryName.TryParse(name, out var repository)) continue;
            var mark = Mark(repository, cancellationToken);
            DeleteManifests(repository, mark, cancellationToken);
        }
        if (_unreadable) _notes.Add("an unreadable manifest was kept, and no blob was swept: what it references is unknown");
    }

    private RepositoryMark Mark(RepositoryName repository, CancellationToken cancellationToken)
    {
        var mark = new RepositoryMark();
        foreach (var digest in _store.EnumerateManifests(repository))
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
            mark.Add(digest, references);
        }
        foreach (var (_, digest) in _store.ListTagTargets(repository)) mark.Keep(digest);
        mark.KeepRoots(digest => IsRoot(repository, digest));
        // Pinned tags keep their manifests even in repositories without a policy (one more listing: a tag pushed
        // since the one above is kept too).
        if (_options.Pins.Any(p => p.Repository is { } pattern && pattern.Matches(repository.Value)))
        {
            foreach (var (tag, digest) in _store.ListTagTargets(repository))
            {
                if (_options.Pins.Any(p => p.Pins(repository.Value, tag))) mark.KeepOnly(digest);
            }
        }
        return mark;
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

    /// <summary>
    /// Deletes what the mark did not keep, through the store's own delete (a tombstone that replicates), and adds
    /// what stays — kept, deferred, in use or already gone — with all it references to the live set.
    /// </summary>
    private void DeleteManifests(RepositoryName repository, RepositoryMark mark, CancellationToken cancellationToken)
    {
        foreach (var (digest, references) in mark.Manifests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Deferred when not settled: still live, so the sweep keeps what it references.
            if (mark.IsKept(digest) || !MayDeleteIn(repository) || !DeleteManifest(repository, digest))
            {
                MarkLive(digest, references);
                continue;
            }
            _manifestsDeleted++;
            Count(repository).Manifests++;
        }
    }

    /// <summary>True when the manifest is deleted (in a dry run: would be); false when in use or already gone.</summary>
    private bool DeleteManifest(RepositoryName repository, Digest digest) =>
        _dryRun || UnderClaim(digest, () => _store.DeleteManifest(repository, digest.ToString()));

    /// <summary>A remaining manifest keeps itself, its blobs and its children's blobs (an index's children are manifests, stored as blobs).</summary>
    private void MarkLive(Digest digest, ManifestReferences? references)
    {
        // Unreadable: nothing is swept this run, so what it references need not be known.
        if (references is null) return;
        _live.Add(digest);
        foreach (var blob in references.Blobs) _live.Add(blob.Digest);
        foreach (var child in references.Manifests) _live.Add(child.Digest);
    }

    /// <summary>
    /// Removes this node's copies of blobs no remaining manifest needs. The blobs are read a directory at a time
    /// (see <see cref="RegistryStore.EnumerateBlobs"/>), never listed whole: at 300 k blobs the list alone was
    /// ~50 MB of digest strings.
    /// </summary>
    public void SweepBlobs(CancellationToken cancellationToken)
    {
        if (_unreadable) return;
        var repositories = new List<RepositoryName>();
        var links = new UnreferencedLinks();
        foreach (string name in _store.ListRepositories())
        {
            if (!RepositoryName.TryParse(name, out var repository)) continue;
            int index = -1;
            foreach (var digest in _store.EnumerateLayerLinks(repository))
            {
                if (_live.Contains(digest)) continue;
                if (index < 0)
                {
                    index = repositories.Count;
                    repositories.Add(repository);
                }
                links.Add(digest, index);
            }
        }
        foreach (var blob in _store.EnumerateBlobs())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_live.Contains(blob.Digest) || Young(_store.Modified(_store.Paths.BlobData(blob.Digest)))) continue;
            var linkedIn = links.RepositoriesOf(blob.Digest).Select(i => repositories[i]).ToList();
            long bytes = blob.Length;
            if (!_dryRun && !UnderClaim(blob.Digest, () =>
                {
                    bytes = _store.SweepBlob(blob.Digest, linkedIn);
                    return true;
                }))
            {
                continue;
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
