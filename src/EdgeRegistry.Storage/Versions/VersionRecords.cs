using System.Globalization;
using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Versions;

/// <summary>
/// The versions that order tag and manifest updates across the cluster, and the tombstones of deletes, kept beside
/// the store under <c>.edgereg/versions</c> (see <see cref="StorePaths"/>) and exactly as durable as it: each record
/// is replaced by <see cref="DurableFiles"/> (temp file, fsync, rename, directory fsync) through the store's file
/// system, and a removal fsyncs its directory. So a record whose write returned survives a power cut, and a write
/// that fails throws <see cref="StoreException"/> like any other store write. A file holds one line,
/// "&lt;version&gt; &lt;node&gt; &lt;marker&gt;": the tag's digest or "-" for tags, "+" or "-" for manifests.
/// </summary>
public sealed class VersionRecords
{
    private const string Deleted = "-";
    private const string Present = "+";

    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;

    internal VersionRecords(IFileSystem fs, StorePaths paths, DurableFiles files)
    {
        _fs = fs;
        _paths = paths;
        _files = files;
    }

    public void WriteTag(RepositoryName repository, string tag, VersionRecord record) =>
        Write(_paths.TagVersion(repository, tag), record, record.Deleted ? Deleted : record.Digest?.ToString()
            ?? throw new ArgumentException("a tag's record names its digest unless it is a tombstone", nameof(record)),
            $"recording the version of tag {repository}:{tag}");

    public void WriteManifest(RepositoryName repository, Digest digest, VersionRecord record) =>
        Write(_paths.ManifestVersion(repository, digest), record, record.Deleted ? Deleted : Present,
            $"recording the version of manifest {repository}@{digest}");

    public void WriteBlob(RepositoryName repository, Digest digest, VersionRecord record) =>
        Write(_paths.BlobVersion(repository, digest), record, record.Deleted ? Deleted : Present,
            $"recording the version of blob {repository}@{digest}");

    /// <summary>The record of a blob's link into a repository; null when none is stored (never deleted, or expired).</summary>
    public VersionRecord? ReadBlob(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading the version of blob {repository}@{digest}", () => Read(_paths.BlobVersion(repository, digest), tag: false));

    public bool DeleteBlob(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"removing the version of blob {repository}@{digest}", () => _files.RemoveFile(_paths.BlobVersion(repository, digest)));

    /// <summary>The tag's record; null when none is stored (an unversioned tag: version 0, loses to any update).</summary>
    public VersionRecord? ReadTag(RepositoryName repository, string tag) =>
        IoFailures.Guard($"reading the version of tag {repository}:{tag}", () => Read(_paths.TagVersion(repository, tag), tag: true));

    public VersionRecord? ReadManifest(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"reading the version of manifest {repository}@{digest}", () => Read(_paths.ManifestVersion(repository, digest), tag: false));

    public bool DeleteTag(RepositoryName repository, string tag) =>
        IoFailures.Guard($"removing the version of tag {repository}:{tag}", () => _files.RemoveFile(_paths.TagVersion(repository, tag)));

    public bool DeleteManifest(RepositoryName repository, Digest digest) =>
        IoFailures.Guard($"removing the version of manifest {repository}@{digest}", () => _files.RemoveFile(_paths.ManifestVersion(repository, digest)));

    /// <summary>Every stored tag record. Files that do not parse (a foreign or damaged file) are skipped.</summary>
    public IReadOnlyList<(RepositoryName Repository, string Tag, VersionRecord Record)> Tags() =>
        IoFailures.Guard("reading tag versions", () =>
        {
            var records = new List<(RepositoryName, string, VersionRecord)>();
            foreach (string file in Files(_paths.TagVersions))
            {
                string relative = Path.GetRelativePath(_paths.TagVersions, file);
                int slash = relative.LastIndexOf('/');
                if (slash <= 0 || !RepositoryName.TryParse(relative[..slash], out var repository)) continue;
                if (Read(file, tag: true) is { } record) records.Add((repository, relative[(slash + 1)..], record));
            }
            return records;
        });

    /// <summary>Every stored manifest record. Files that do not parse are skipped.</summary>
    public IReadOnlyList<(RepositoryName Repository, Digest Digest, VersionRecord Record)> Manifests() =>
        DigestRecords(_paths.ManifestVersions, "reading manifest versions");

    /// <summary>Every stored blob-link record (tombstones of blob deletes, mostly). Files that do not parse are skipped.</summary>
    public IReadOnlyList<(RepositoryName Repository, Digest Digest, VersionRecord Record)> Blobs() =>
        DigestRecords(_paths.BlobVersions, "reading blob versions");

    private IReadOnlyList<(RepositoryName Repository, Digest Digest, VersionRecord Record)> DigestRecords(string root, string operation) =>
        IoFailures.Guard(operation, () =>
        {
            var records = new List<(RepositoryName, Digest, VersionRecord)>();
            foreach (string file in Files(root))
            {
                string[] segments = Path.GetRelativePath(root, file).Split('/');
                if (segments.Length < 3 || !RepositoryName.TryParse(string.Join('/', segments[..^2]), out var repository)) continue;
                if (!Digest.TryParse(segments[^2] + ":" + segments[^1], out var digest)) continue;
                if (Read(file, tag: false) is { } record) records.Add((repository, digest, record));
            }
            return records;
        });

    private void Write(string path, VersionRecord record, string marker, string operation)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{record.Version} {record.Node} {marker}");
        IoFailures.Guard(operation, () =>
        {
            _files.WriteAtomically(path, Encoding.UTF8.GetBytes(line));
            return true;
        });
    }

    private IEnumerable<string> Files(string directory) =>
        _fs.Directory.Exists(directory) ? _fs.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories) : [];

    private VersionRecord? Read(string path, bool tag)
    {
        string text;
        try
        {
            // Most objects have no record (only updates made or learned while clustered do): a stat says so without
            // the exception, which the inventory build would otherwise pay for every manifest and tag of the store.
            if (!_fs.File.Exists(path)) return null;
            text = _fs.File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        string[] parts = text.Trim().Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long version)) return null;
        string marker = parts[2];
        if (marker == Deleted) return new VersionRecord(version, parts[1], Deleted: true);
        if (!tag) return marker == Present ? new VersionRecord(version, parts[1], Deleted: false) : null;
        return Digest.TryParse(marker, out var digest) ? new VersionRecord(version, parts[1], Deleted: false, digest) : null;
    }
}
