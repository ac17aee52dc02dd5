namespace EdgeRegistry.Storage.Durability;

/// <summary>An <see cref="ExclusiveFileLock"/> is held by another open of its file (another process, most likely).</summary>
public sealed class FileLockHeldException : IOException
{
    public FileLockHeldException(string path)
        : base($"{path} is locked by another process (it holds an exclusive flock on the file)") => Path = path;

    public string Path { get; }
}
