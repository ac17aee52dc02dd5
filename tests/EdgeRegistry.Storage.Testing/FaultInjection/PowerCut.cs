namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// What a power cut would take back, kept as the fault-injecting file system works and applied by <see cref="Cut"/>:
/// the model of a journaled Linux file system (ext4, xfs) that the store's durability rules are written for.
/// <list type="bullet">
/// <item>Bytes written to a file survive only once the file is fsynced; until then a cut leaves the content the
/// file durably had (empty for a new file: ext4's zero-length file after a crash).</item>
/// <item>A directory entry — a created file or directory, a rename, an unlink — survives only once its directory
/// is fsynced. A rename is one journal transaction, so an fsync of either of its two directories keeps it.</item>
/// </list>
/// Removing a whole directory tree is not recorded: the store only does it in its temp area, which start-up
/// clears whatever a cut left there. Files larger than <see cref="MaxRestoredBytes"/> are not restored (the
/// version and link files these tests care about are a few dozen bytes).
/// </summary>
public sealed class PowerCut
{
    private const int MaxRestoredBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    /// <summary>Files written since their last fsync, with the content they durably hold (null: unknown, too large).</summary>
    private readonly Dictionary<string, byte[]?> _unsyncedData = new(StringComparer.Ordinal);
    private readonly List<NamespaceChange> _unsyncedEntries = [];

    /// <summary>How many changes a cut would take back now: a test can show that its write left nothing pending.</summary>
    public int Pending
    {
        get { lock (_gate) return _unsyncedData.Count + _unsyncedEntries.Count; }
    }

    public void OpenedForWriting(string path)
    {
        path = Path.GetFullPath(path);
        lock (_gate)
        {
            if (_unsyncedData.ContainsKey(path)) return;
            if (File.Exists(path))
            {
                _unsyncedData[path] = ReadSmall(path);
            }
            else
            {
                _unsyncedData[path] = [];
                _unsyncedEntries.Add(new NamespaceChange([Parent(path)], () => DeleteFile(path)));
            }
        }
    }

    public void FileSynced(string path)
    {
        lock (_gate) _unsyncedData.Remove(Path.GetFullPath(path));
    }

    public void DirectorySynced(string directory)
    {
        directory = Path.GetFullPath(directory).TrimEnd('/');
        lock (_gate) _unsyncedEntries.RemoveAll(change => change.Directories.Contains(directory, StringComparer.Ordinal));
    }

    /// <summary>Call before a file is renamed over <paramref name="destination"/>.</summary>
    public void Moving(string source, string destination)
    {
        source = Path.GetFullPath(source);
        destination = Path.GetFullPath(destination);
        lock (_gate)
        {
            byte[]? previous = DurableContent(destination, out bool existed);
            _unsyncedEntries.Add(new NamespaceChange([Parent(source), Parent(destination)], () =>
            {
                DeleteFile(destination);
                if (existed) Restore(destination, previous);
            }));
            if (_unsyncedData.Remove(source, out var data)) _unsyncedData[destination] = data;
            else _unsyncedData.Remove(destination);
        }
    }

    /// <summary>Call before a file is unlinked.</summary>
    public void Deleting(string path)
    {
        path = Path.GetFullPath(path);
        lock (_gate)
        {
            byte[]? previous = DurableContent(path, out bool existed);
            _unsyncedData.Remove(path);
            if (existed) _unsyncedEntries.Add(new NamespaceChange([Parent(path)], () => Restore(path, previous)));
        }
    }

    /// <summary>Call before a directory (and any missing parents) is created.</summary>
    public void CreatingDirectory(string directory)
    {
        directory = Path.GetFullPath(directory).TrimEnd('/');
        lock (_gate)
        {
            for (string? d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            {
                string created = d;
                _unsyncedEntries.Add(new NamespaceChange([Parent(created)], () =>
                {
                    if (Directory.Exists(created)) Directory.Delete(created, recursive: true);
                }));
            }
        }
    }

    /// <summary>Call before a directory is renamed.</summary>
    public void MovingDirectory(string source, string destination)
    {
        source = Path.GetFullPath(source).TrimEnd('/');
        destination = Path.GetFullPath(destination).TrimEnd('/');
        lock (_gate)
        {
            _unsyncedEntries.Add(new NamespaceChange([Parent(source), Parent(destination)], () =>
            {
                if (Directory.Exists(destination) && !Directory.Exists(source)) Directory.Move(destination, source);
            }));
        }
    }

    /// <summary>
    /// The power goes out: every change not yet made durable is taken back on the real disk, newest first, and
    /// the record starts afresh. The process "dies" with it: the caller reopens the store on the same root.
    /// </summary>
    public void Cut()
    {
        lock (_gate)
        {
            foreach (var (path, content) in _unsyncedData)
            {
                if (content is not null && File.Exists(path)) File.WriteAllBytes(path, content);
            }
            for (int i = _unsyncedEntries.Count - 1; i >= 0; i--) _unsyncedEntries[i].Undo();
            _unsyncedData.Clear();
            _unsyncedEntries.Clear();
        }
    }

    private byte[]? DurableContent(string path, out bool existed)
    {
        existed = File.Exists(path);
        if (!existed) return null;
        return _unsyncedData.TryGetValue(path, out var durable) ? durable : ReadSmall(path);
    }

    private static byte[]? ReadSmall(string path) => new FileInfo(path).Length <= MaxRestoredBytes ? File.ReadAllBytes(path) : null;

    private static void Restore(string path, byte[]? content)
    {
        if (content is null) return;
        Directory.CreateDirectory(Parent(path));
        File.WriteAllBytes(path, content);
    }

    private static void DeleteFile(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    private static string Parent(string path) => Path.GetDirectoryName(path)!;

    private sealed record NamespaceChange(string[] Directories, Action Undo);
}
