using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The store's crash-safe file primitives. Every object becomes visible by one atomic rename of a file whose
/// bytes were already fsynced, followed by an fsync of the directory that received it, so after a power cut
/// a path either does not exist or holds the complete content — never a prefix.
/// </summary>
internal sealed class DurableFiles
{
    private readonly IFileSystem _fs;
    private readonly IFileSync _sync;
    private readonly StorePaths _paths;

    public DurableFiles(IFileSystem fs, IFileSync sync, StorePaths paths)
    {
        _fs = fs;
        _sync = sync;
        _paths = paths;
    }

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temp = _paths.NewTempFile();
        try
        {
            using (var stream = _fs.FileStream.New(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(content);
                _sync.FlushFile(stream);
            }
            PublishFile(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes a Distribution link file ("alg:hex", no newline) atomically.</summary>
    public void WriteLink(string path, string digest) => WriteAtomically(path, Encoding.ASCII.GetBytes(digest));

    /// <summary>
    /// Moves an already-fsynced file into its final place and makes the rename durable. Overwrites an
    /// existing file: callers only ever replace content-addressed files with identical bytes, or link files
    /// whose replacement is the intended update.
    /// </summary>
    public void PublishFile(string source, string destination)
    {
        string directory = Path.GetDirectoryName(destination)!;
        // A concurrent removal (an unlink of the same link, a manifest delete) may take the parent directory
        // away between creating it and renaming into it: re-create and try again a bounded number of times.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                EnsureDirectory(directory);
                _fs.File.Move(source, destination, overwrite: true);
                _sync.FlushDirectory(directory);
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

    /// <summary>Creates a directory and any missing parents, and makes each new entry durable in its parent.</summary>
    public void EnsureDirectory(string directory)
    {
        if (_fs.Directory.Exists(directory)) return;
        var missing = new Stack<string>();
        for (string? d = directory; d is not null && !_fs.Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing.Push(d);
        }
        _fs.Directory.CreateDirectory(directory);
        foreach (string created in missing)
        {
            _sync.FlushDirectory(Path.GetDirectoryName(created)!);
        }
    }

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
        _sync.FlushDirectory(Path.GetDirectoryName(directory)!);
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
