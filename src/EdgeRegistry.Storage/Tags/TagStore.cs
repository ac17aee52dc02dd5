using System.Collections.Concurrent;
using System.IO.Abstractions;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tags;

/// <summary>
/// Tags in Distribution's layout. A tag moves by atomically replacing its <c>current/link</c>, so a reader
/// always sees the old or the new digest. Resolutions are cached in memory (tag lookups are on the hot path of
/// every pull); the cache is updated by every change made through this store.
/// </summary>
internal sealed class TagStore
{
    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;
    private readonly ConcurrentDictionary<(string Repository, string Tag), Digest> _resolved = new();

    /// <summary>
    /// Changes to one tag are serialized (striped by name) so that disk and cache always agree and a delete
    /// never moves a tag directory away under a concurrent update. Reads take no lock.
    /// </summary>
    private readonly Lock[] _stripes = Enumerable.Range(0, 64).Select(_ => new Lock()).ToArray();

    public TagStore(IFileSystem fs, StorePaths paths, DurableFiles files)
    {
        _fs = fs;
        _paths = paths;
        _files = files;
    }

    public Digest? Resolve(RepositoryName repository, string tag)
    {
        if (_resolved.TryGetValue((repository.Value, tag), out var cached)) return cached;
        var digest = LinkFiles.Read(_fs, _paths.TagCurrentLink(repository, tag));
        if (digest is Digest found) _resolved[(repository.Value, tag)] = found;
        return digest;
    }

    /// <summary>Points <paramref name="tag"/> at <paramref name="digest"/>: index entry first, then the atomic current-link swap.</summary>
    public void Set(RepositoryName repository, string tag, Digest digest)
    {
        lock (StripeFor(repository, tag))
        {
            try
            {
                // The index entry first (Distribution's history of the tag), then the tag itself, in one durable round.
                _files.WriteLinksInOrder(_paths.TagIndexLink(repository, tag, digest), _paths.TagCurrentLink(repository, tag), digest.ToString());
                _resolved[(repository.Value, tag)] = digest;
            }
            catch
            {
                // The disk may or may not hold the new value: let the next read go to the disk.
                _resolved.TryRemove((repository.Value, tag), out _);
                throw;
            }
        }
    }

    public bool Delete(RepositoryName repository, string tag) => DeleteIf(repository, tag, expected: null);

    /// <summary>Deletes the tag only if it still points at <paramref name="expected"/> (any digest when null).</summary>
    public bool DeleteIf(RepositoryName repository, string tag, Digest? expected)
    {
        lock (StripeFor(repository, tag))
        {
            if (expected is not null && LinkFiles.Read(_fs, _paths.TagCurrentLink(repository, tag)) != expected) return false;
            _resolved.TryRemove((repository.Value, tag), out _);
            return _files.RemoveDirectoryAtomically(_paths.TagDirectory(repository, tag));
        }
    }

    private Lock StripeFor(RepositoryName repository, string tag) =>
        _stripes[(int)((uint)HashCode.Combine(repository.Value, tag) % (uint)_stripes.Length)];

    /// <summary>Tags of the repository in ordinal order, with the digest each points at.</summary>
    public IReadOnlyList<(string Tag, Digest Digest)> List(RepositoryName repository)
    {
        string directory = _paths.TagsDirectory(repository);
        if (!_fs.Directory.Exists(directory)) return [];
        var tags = new List<(string, Digest)>();
        foreach (string tagDirectory in _fs.Directory.EnumerateDirectories(directory))
        {
            string tag = Path.GetFileName(tagDirectory);
            if (!Tag.IsValid(tag)) continue;
            // Not through Resolve: a listing is no pull, and caching every tag the inventory build and each
            // collection list would hold all the store's tags in memory for good (~250 bytes each).
            var digest = _resolved.TryGetValue((repository.Value, tag), out var cached) ? cached : LinkFiles.Read(_fs, _paths.TagCurrentLink(repository, tag));
            if (digest is Digest target) tags.Add((tag, target));
        }
        tags.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return tags;
    }
}
