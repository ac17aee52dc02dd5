using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// An exclusive lock beside the credentials file (<c>.NAME.lock</c> in its directory), held by every
/// read-modify-write of it: `edgereg user add/remove` and the agent applying a peer's change. Without it, a user
/// added while the agent rewrote the file for a peer's change could be lost. An explicit flock(2)
/// (<see cref="ExclusiveFileLock"/>, released by the kernel when the process dies: edgereg runs with the runtime's
/// FileShare locking off); it does not wait, so this retries.
/// </summary>
public sealed class CredentialsFileLock : IDisposable
{
    /// <summary>Edits take milliseconds; a holder for longer than this is stuck, and the caller hears so.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    private readonly ExclusiveFileLock _held;

    private CredentialsFileLock(ExclusiveFileLock held) => _held = held;

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
        long deadline = Environment.TickCount64 + (long)(wait ?? DefaultWait).TotalMilliseconds;
        while (true)
        {
            ExclusiveFileLock? held;
            try
            {
                held = ExclusiveFileLock.TryTake(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            catch (IOException e)
            {
                throw new IOException($"cannot lock {path}: {e.Message}", e);
            }
            if (held is not null) return new CredentialsFileLock(held);
            if (Environment.TickCount64 >= deadline)
                throw new IOException($"{path} stayed locked by another edgereg process (a `user` command or the agent) for longer than {wait ?? DefaultWait}");
            Thread.Sleep(RetryDelay);
        }
    }

    public void Dispose() => _held.Dispose();
}
