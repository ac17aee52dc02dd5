using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The store's crash-safe file primitives. Every object becomes visible by one atomic rename of a file whose
/// bytes were already fsynced, and the rename is made durable before the write returns, so after a power cut
/// a path either does not exist or holds the complete content — never a prefix.
/// <para>
/// Every namespace change of a publish involves the store's temp directory: the file is renamed out of it, and a
/// directory the file needs is made in it and renamed into place (one level at a time). A rename is one journal
/// transaction on the journaled file systems the store is written for (ext4, xfs), durable once either of its two
/// directories is fsynced; so one fsync of the temp directory makes a publish durable, whichever directories it
/// touched, and that fsync is shared by every publish under way at the same moment (<see cref="GroupSync"/>: group
/// commit). A small object then costs its own file's fsync and a share of one directory fsync, instead of an fsync
/// of every directory it created or entered.
/// </para>
/// </summary>
internal sealed class DurableFiles
{
    private readonly IFileSystem _fs;
    private readonly IFileSync _sync;
    private readonly StorePaths _paths;
    private readonly GroupSync _temp;
    private readonly bool _native;

    public DurableFiles(IFileSystem fs, IFileSync sync, StorePaths paths)
    {
        _fs = fs;
        _sync = sync;
        _paths = paths;
        _temp = new GroupSync(sync, paths.Temp);
        // The real file system on Linux renames through libc (see NativeRename: fewer syscalls, and no level of a
        // concurrent writer replaced). Any other IFileSystem — the tests' fault-injecting one, which records every
        // rename for its power cuts — gets the same renames through its own File.Move and Directory.Move.
        _native = OperatingSystem.IsLinux() && fs.GetType() == typeof(FileSystem);
    }

    /// <summary>fsyncs of the temp directory so far, each shared by the publishes of its round.</summary>
    public long TempDirectorySyncs => _temp.Rounds;

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public void WriteAtomically(string path, ReadOnlyMemory<byte> content)
    {
        string temp = WriteTempFiles([content])[0];
        try
        {
            PublishFile(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// New files in the temp directory holding <paramref name="contents"/>, fsynced, for the caller to publish
    /// (<see cref="PublishFile"/>, <see cref="PublishFromTemp"/>) or delete. All are written first and then fsynced
    /// at the same moment, one thread each: the fsync of a new file waits for a journal commit, and ext4 and xfs
    /// commit the fsyncs waiting at the same moment together (group commit), where one after another each waited
    /// for a commit of its own — a replicated manifest stages up to 8 files (its layer links, its bytes, its
    /// revision). Nothing is left on failure (the first failure is thrown as itself).
    /// </summary>
    public string[] WriteTempFiles(IReadOnlyList<ReadOnlyMemory<byte>> contents)
    {
        var paths = new string[contents.Count];
        var streams = new FileSystemStream?[contents.Count];
        bool staged = false;
        try
        {
            for (int i = 0; i < contents.Count; i++)
            {
                paths[i] = _paths.NewTempFile();
                streams[i] = _fs.FileStream.New(paths[i], FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
                streams[i]!.Write(contents[i].Span);
            }
            if (contents.Count == 1)
            {
                _sync.FlushFile(streams[0]!);
            }
            else if (contents.Count > 1)
            {
                try
                {
                    Parallel.For(0, contents.Count, new ParallelOptions { MaxDegreeOfParallelism = contents.Count }, i => _sync.FlushFile(streams[i]!));
                }
                catch (AggregateException e)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
            }
            staged = true;
            return paths;
        }
        finally
        {
            // Closed before a failure's files are deleted, and always: a descriptor per staged file would leak otherwise.
            foreach (var stream in streams) stream?.Dispose();
            if (!staged)
            {
                foreach (string? path in paths)
                {
                    if (path is not null) TryDelete(path);
                }
            }
        }
    }

    /// <summary>
    /// Publishes several fsynced files of the temp directory in the order given, each with the directories it
    /// needs made from the temp directory, and makes all of it durable with ONE shared fsync of the temp directory
    /// (<see cref="PublishFile"/> would wait for one round per file). Even with no file, the call waits for a round
    /// that started after it, so a rename another writer made before it (of the same content) is durable too.
    /// <para>
    /// Why the order is enough for an object whose second file must never be durable without its first (a blob's
    /// data, then its layer link): every rename here is one journal transaction of the same file system, and ext4
    /// and xfs commit their journal in order, so whatever a power cut keeps of this sequence is a prefix of it. A
    /// cut before the fsync may keep the data without the link — an unlinked blob, which the collector and the
    /// scrub already handle — but never the link without the data. The fsync then makes the whole sequence durable.
    /// </para>
    /// On failure nothing is announced by the caller; a file already renamed stays (complete, fsynced bytes).
    /// </summary>
    public void PublishFromTemp(ReadOnlySpan<(string Source, string Destination)> files)
    {
        foreach (var (source, destination) in files)
        {
            if (!string.Equals(Path.GetDirectoryName(source), _paths.Temp, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{source} is not in the temp directory", nameof(files));
            }
            MoveIntoPlace(source, destination, fromTemp: true);
        }
        _temp.Flush();
    }

    /// <summary>Writes a Distribution link file ("alg:hex", no newline) atomically.</summary>
    public void WriteLink(string path, string digest) => WriteAtomically(path, Encoding.ASCII.GetBytes(digest));

    /// <summary>
    /// Writes the same link into two files, each atomically, <paramref name="first"/> before <paramref name="second"/>,
    /// in one durable round (<see cref="PublishFromTemp"/>): a power cut may keep the first without the second, never
    /// the second without the first.
    /// </summary>
    public void WriteLinksInOrder(string first, string second, string digest)
    {
        byte[] content = Encoding.ASCII.GetBytes(digest);
        string[] temps = WriteTempFiles([content, content]);
        try
        {
            PublishFromTemp([(temps[0], first), (temps[1], second)]);
        }
        catch
        {
            // A name already renamed into place is gone from the temp directory (a no-op).
            foreach (string temp in temps) TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Moves an already-fsynced file into its final place and makes the rename durable. Overwrites an
    /// existing file: callers only ever replace content-addressed files with identical bytes, or link files
    /// whose replacement is the intended update. A file from the temp directory (every import and atomic write)
    /// is made durable by the shared fsync of the temp directory; any other (an upload's data) by an fsync of the
    /// directory that received it, after the directories it needed are durable.
    /// </summary>
    public void PublishFile(string source, string destination)
    {
        bool fromTemp = string.Equals(Path.GetDirectoryName(source), _paths.Temp, StringComparison.Ordinal);
        MoveIntoPlace(source, destination, fromTemp);
        if (fromTemp) _temp.Flush();
        else _sync.FlushDirectory(Path.GetDirectoryName(destination)!);
    }

    /// <summary>
    /// Renames <paramref name="source"/> over <paramref name="destination"/>, first making the directories it needs
    /// (from the temp directory). A concurrent removal (an unlink of the same link, a manifest delete) may take the
    /// parent directory away between creating it and renaming into it: re-create and try again a bounded number of
    /// times. A file from elsewhere (an upload's data) is renamed only once the directories it needs are durable,
    /// since no later fsync of the temp directory covers its own rename.
    /// </summary>
    private void MoveIntoPlace(string source, string destination, bool fromTemp)
    {
        string directory = Path.GetDirectoryName(destination)!;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                bool created = CreateDirectoriesFromTemp(directory);
                if (created && !fromTemp) _temp.Flush();
                if (_native) NativeRename.Replace(source, destination);
                else _fs.File.Move(source, destination, overwrite: true);
                return;
            }
            catch (IOException e) when (attempt < 3 && IsVanishedDirectory(e))
            {
            }
        }
    }

    private static bool IsVanishedDirectory(IOException e) =>
        e is DirectoryNotFoundException || (e.HResult & 0xFFFF) == Enoent;

    private const int Enoent = 2;

    /// <summary>Creates a directory and any missing parents, durably, before it returns.</summary>
    public void EnsureDirectory(string directory)
    {
        if (MissingLevels(directory) is not { } missing) return;
        if (!IsUnder(directory, _paths.Root) || !_fs.Directory.Exists(_paths.Temp))
        {
            CreateDirectoriesInPlace(missing);
            return;
        }
        CreateDirectoriesFromTemp(missing);
        _temp.Flush();
    }

    /// <summary>
    /// Creates the missing directories of <paramref name="directory"/>, top down, each made empty in the temp
    /// directory and renamed into place, so all of them become durable with the next fsync of the temp directory
    /// (which the caller waits for). A level another writer created meanwhile is taken as it is. True when any was made.
    /// </summary>
    private bool CreateDirectoriesFromTemp(string directory)
    {
        if (_fs.Directory.Exists(directory)) return false;
        if (_native && !NativeRename.NoReplaceRefused && TryMoveLeafFromTemp(directory)) return true;
        CreateDirectoriesFromTemp(MissingAbove(directory)); // the leaf is known missing: not stat'd again
        return true;
    }

    private void CreateDirectoriesFromTemp(Stack<string> missing)
    {
        foreach (string level in missing)
        {
            string staged = _paths.NewTempFile();
            _fs.Directory.CreateDirectory(staged);
            try
            {
                if (!MoveLevel(staged, level)) TryDeleteTree(staged);
            }
            catch
            {
                TryDeleteTree(staged);
                throw;
            }
        }
    }

    /// <summary>
    /// The usual case of a new leaf under a parent that exists (a blob's data dir, a layer link's dir): rename a
    /// staged leaf straight into place, which saves the stat of the parent MissingLevels would make. ENOENT means a
    /// parent is missing too (or vanished): the staged leaf is dropped and the caller walks up as before — an extra
    /// mkdir, rename and rmdir only for the first object of a new fan-out directory. False then, or when the
    /// kernel refuses RENAME_NOREPLACE (without it the rename could replace a level another writer just made).
    /// </summary>
    private bool TryMoveLeafFromTemp(string leaf)
    {
        string staged = _paths.NewTempFile();
        _fs.Directory.CreateDirectory(staged);
        bool? moved;
        try
        {
            moved = NativeRename.TryMoveNoReplace(staged, leaf);
        }
        catch (DirectoryNotFoundException)
        {
            moved = null;
        }
        catch
        {
            TryDeleteTree(staged);
            throw;
        }
        if (moved != true) TryDeleteTree(staged);
        return moved is not null; // false: another writer made it, taken as it is
    }

    /// <summary>
    /// Renames an empty staged directory to <paramref name="level"/> unless a directory is there already (made by a
    /// concurrent writer of the same path, whose rename is made durable by its own flush or ours): false then.
    /// renameat2(RENAME_NOREPLACE) decides that atomically. Without it (another file system seam, or a kernel or
    /// file system that refuses the flag) Directory.Move is tried and an existing level is found by its failure —
    /// except that rename(2) lets an empty directory replace an empty directory, so a level a writer has just made
    /// may be replaced by ours and that writer's rename into it fail; it then retries (see MoveIntoPlace).
    /// </summary>
    private bool MoveLevel(string staged, string level)
    {
        if (_native && NativeRename.TryMoveNoReplace(staged, level) is { } moved) return moved;
        try
        {
            _fs.Directory.Move(staged, level);
            return true;
        }
        catch (IOException) when (_fs.Directory.Exists(level))
        {
            return false;
        }
    }

    /// <summary>
    /// The levels of <paramref name="directory"/> that do not exist, the topmost first; null when it exists. One stat
    /// per level, walking up from the leaf to the first that exists: a small object's publish usually finds its leaf
    /// missing and its parent there (two stats), and a file into an existing directory costs one.
    /// </summary>
    private Stack<string>? MissingLevels(string directory)
    {
        if (_fs.Directory.Exists(directory)) return null;
        return MissingAbove(directory);
    }

    /// <summary><paramref name="directory"/> (known missing) and its missing parents, the topmost first.</summary>
    private Stack<string> MissingAbove(string directory)
    {
        var missing = new Stack<string>();
        missing.Push(directory);
        for (string? d = Path.GetDirectoryName(directory); d is not null && !_fs.Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing.Push(d);
        }
        return missing;
    }

    /// <summary>mkdir -p with an fsync of each new entry's parent: for the store's own skeleton, made before the temp directory exists.</summary>
    private void CreateDirectoriesInPlace(Stack<string> missing)
    {
        foreach (string level in missing)
        {
            _fs.Directory.CreateDirectory(level);
            _sync.FlushDirectory(Path.GetDirectoryName(level)!);
        }
    }

    private static bool IsUnder(string path, string root) =>
        path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>
    /// Removes a directory tree so that it vanishes at once: it is first renamed into the temp area (atomic),
    /// then deleted there. A crash in between leaves only garbage in the temp area, which start-up clears.
    /// </summary>
    public bool RemoveDirectoryAtomically(string directory)
    {
        if (!_fs.Directory.Exists(directory)) return false;
        string graveyard = _paths.NewTempFile();
        try
        {
            _fs.Directory.Move(directory, graveyard);
        }
        catch (DirectoryNotFoundException)
        {
            return false; // a concurrent remover won
        }
        // The rename into the temp directory is made durable by its fsync, shared with the publishes of the moment.
        _temp.Flush();
        TryDeleteTree(graveyard);
        return true;
    }

    /// <summary>Removes a single file (e.g. a link) and makes the removal durable. False when it was absent.</summary>
    public bool RemoveFile(string path)
    {
        if (!_fs.File.Exists(path)) return false;
        _fs.File.Delete(path);
        _sync.FlushDirectory(Path.GetDirectoryName(path)!);
        return true;
    }

    public void TryDelete(string path)
    {
        try { _fs.File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void TryDeleteTree(string path)
    {
        try { _fs.Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
