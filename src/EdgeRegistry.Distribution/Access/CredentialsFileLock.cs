namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// An exclusive lock beside the credentials file (<c>.NAME.lock</c> in its directory), held by every
/// read-modify-write of it: `edgereg user add/remove` and the agent applying a peer's change. Without it, a user
/// added while the agent rewrote the file for a peer's change could be lost. .NET takes a flock(2) for
/// <see cref="FileShare.None"/> (released by the kernel when the process dies); it does not wait, so this retries.
/// </summary>
public sealed class CredentialsFileLock : IDisposable
{
    /// <summary>Edits take milliseconds; a holder for longer than this is stuck, and the caller hears so.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _file;

    private CredentialsFileLock(FileStream file) => _file = file;

    public static string PathFor(string credentialsFile)
    {
        string full = Path.GetFullPath(credentialsFile);
        return Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".lock");
    }

    /// <summary>Takes the lock, creating the directory and lock file (mode 0600) when missing.</summary>
    /// <exception cref="IOException">Another process held it for longer than <paramref name="wait"/>, or it cannot be created.</exception>
    public static CredentialsFileLock Take(string credentialsFile, TimeSpan? wait = null)
    {
        string path = PathFor(credentialsFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        long deadline = Environment.TickCount64 + (long)(wait ?? DefaultWait).TotalMilliseconds;
        while (true)
        {
            try
            {
                return new CredentialsFileLock(new FileStream(path, options));
            }
            catch (IOException) when (Environment.TickCount64 < deadline && File.Exists(path))
            {
                Thread.Sleep(RetryDelay);
            }
            catch (IOException e)
            {
                throw new IOException($"{path} stayed locked by another edgereg process (a `user` command or the agent): {e.Message}", e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
