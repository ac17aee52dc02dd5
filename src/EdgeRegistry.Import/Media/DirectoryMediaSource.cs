namespace EdgeRegistry.Import.Media;

/// <summary>
/// A directory tree of the media (an `oc` file:// tree, an OCI layout, a dir: layout), walked in ordinal name order.
/// Symbolic links are reported with their target text and never followed, neither into files nor into directories,
/// so nothing outside the tree is read. Anything that is neither a regular file, a directory nor a link (device
/// nodes, FIFOs, sockets) reports a size of 0 and is never opened: an empty body is only read for the one blob that
/// is empty, whose bytes need no file.
/// </summary>
public sealed class DirectoryMediaSource : IMediaSource
{
    private long _position;

    public DirectoryMediaSource(string path)
    {
        Name = Path.GetFullPath(path);
        TotalBytes = Walk(new DirectoryInfo(Name), "").Sum(static item => item.Info is FileInfo { LinkTarget: null } file ? file.Length : 0);
    }

    public string Name { get; }

    public long TotalBytes { get; }

    public long Position => Interlocked.Read(ref _position);

    public IEnumerable<MediaEntry> Entries()
    {
        _position = 0;
        foreach (var (relative, info) in Walk(new DirectoryInfo(Name), ""))
        {
            var position = new EntryPosition(Name, relative, -1);
            if (info.LinkTarget is { } target)
            {
                yield return new MediaEntry(relative, MediaEntryKind.SymbolicLink, 0, position, target);
            }
            else if (info is DirectoryInfo)
            {
                yield return new MediaEntry(relative, MediaEntryKind.Directory, 0, position);
            }
            else if (info is FileInfo file)
            {
                long length = file.Length;
                yield return new MediaEntry(relative, MediaEntryKind.File, length, position, open: () => length == 0
                    ? new MemoryStream([], writable: false)
                    : new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan));
                Interlocked.Add(ref _position, length);
            }
        }
    }

    private static IEnumerable<(string Relative, FileSystemInfo Info)> Walk(DirectoryInfo directory, string prefix)
    {
        FileSystemInfo[] children;
        try
        {
            children = directory.GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaException($"{directory.FullName}: cannot list the directory: {e.Message}", e);
        }

        foreach (var child in children.OrderBy(static c => c.Name, StringComparer.Ordinal))
        {
            string relative = prefix + child.Name;
            yield return (relative, child);
            if (child is DirectoryInfo sub && child.LinkTarget is null)
            {
                foreach (var item in Walk(sub, relative + "/")) yield return item;
            }
        }
    }
}
