using System.Globalization;
using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.Inventory;

/// <summary>
/// Persists the versions that order tag and manifest updates across the cluster, and the tombstones of
/// deletes, beside the store in <c>&lt;root&gt;/.edgereg/versions/</c> (Distribution never looks there):
/// <code>
/// versions/tags/&lt;repository&gt;/&lt;tag&gt;                       "&lt;version&gt; &lt;node&gt; &lt;digest&gt;" or "&lt;version&gt; &lt;node&gt; -" (deleted)
/// versions/manifests/&lt;repository&gt;/&lt;alg&gt;/&lt;hex&gt;          "&lt;version&gt; &lt;node&gt; +" or "&lt;version&gt; &lt;node&gt; -" (deleted)
/// </code>
/// Each file is replaced atomically (temp file, fsync, rename). An object with no file — pushed before
/// replication was on, or a registry:2 store taken over as it is — has version 0 and loses to any update.
/// </summary>
public sealed class VersionFiles
{
    private readonly string _tags;
    private readonly string _manifests;
    private readonly string _temp;

    public VersionFiles(string storeRoot)
    {
        string versions = Path.Combine(storeRoot, ".edgereg", "versions");
        _tags = Path.Combine(versions, "tags");
        _manifests = Path.Combine(versions, "manifests");
        _temp = Path.Combine(storeRoot, ".edgereg", "tmp");
    }

    public void Write(InventoryEntry entry)
    {
        string? path = PathOf(entry);
        if (path is null) return;
        string marker = entry.Kind == EntryKind.Tag ? (entry.Deleted ? "-" : entry.Digest.ToString()!) : (entry.Deleted ? "-" : "+");
        string content = entry.Version.ToString(CultureInfo.InvariantCulture) + " " + entry.Node + " " + marker;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Directory.CreateDirectory(_temp);
        string temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(InventoryEntry entry)
    {
        string? path = PathOf(entry);
        if (path is not null) File.Delete(path);
    }

    /// <summary>The stored version of a tag: (version, node, digest or null when deleted); null when none is stored.</summary>
    public (long Version, string Node, Digest? Digest)? ReadTag(RepositoryName repository, string tag)
    {
        var parts = ReadParts(Path.Combine(_tags, repository.Value, tag));
        if (parts is null) return null;
        var (version, node, marker) = parts.Value;
        return (version, node, Digest.TryParse(marker, out var digest) ? digest : null);
    }

    /// <summary>The stored version of a manifest revision: (version, node, deleted); null when none is stored.</summary>
    public (long Version, string Node, bool Deleted)? ReadManifest(RepositoryName repository, Digest digest)
    {
        var parts = ReadParts(Path.Combine(_manifests, repository.Value, digest.AlgorithmName, digest.Hex));
        return parts is null ? null : (parts.Value.Version, parts.Value.Node, parts.Value.Marker == "-");
    }

    /// <summary>Every stored tombstone (deleted tag or manifest), for rebuilding the inventory at start-up.</summary>
    public IEnumerable<InventoryEntry> Tombstones()
    {
        foreach (string file in Files(_tags))
        {
            string relative = Path.GetRelativePath(_tags, file);
            int slash = relative.LastIndexOf('/');
            if (slash <= 0 || !RepositoryName.TryParse(relative[..slash], out var repository)) continue;
            var parts = ReadParts(file);
            if (parts is { Marker: "-" } p) yield return new InventoryEntry(EntryKind.Tag, repository, relative[(slash + 1)..], null, 0, p.Version, p.Node, Deleted: true);
        }
        foreach (string file in Files(_manifests))
        {
            string[] segments = Path.GetRelativePath(_manifests, file).Split('/');
            if (segments.Length < 3 || !RepositoryName.TryParse(string.Join('/', segments[..^2]), out var repository)) continue;
            if (!Digest.TryParse(segments[^2] + ":" + segments[^1], out var digest)) continue;
            var parts = ReadParts(file);
            if (parts is { Marker: "-" } p) yield return new InventoryEntry(EntryKind.Manifest, repository, null, digest, 0, p.Version, p.Node, Deleted: true);
        }
    }

    private string? PathOf(InventoryEntry entry) => entry switch
    {
        { Kind: EntryKind.Tag, Repository: { } repository, Tag: { } tag } => Path.Combine(_tags, repository.Value, tag),
        { Kind: EntryKind.Manifest, Repository: { } repository, Digest: { } digest } =>
            Path.Combine(_manifests, repository.Value, digest.AlgorithmName, digest.Hex),
        _ => null,
    };

    private static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories) : [];

    private static (long Version, string Node, string Marker)? ReadParts(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        string[] parts = text.Trim().Split(' ');
        return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long version)
            ? (version, parts[1], parts[2])
            : null;
    }
}
