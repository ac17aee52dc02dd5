using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// An exclusive, non-blocking flock(2) on a lock file, held until disposed and released by the kernel when the
/// process dies (however it dies: the lock belongs to the open file, which the kernel closes). The one way edgereg
/// keeps two processes apart: the agent lock, the status socket's lock, the credentials file's lock.
/// These used to be FileShare.None opens, which .NET turns into the same flock; but edgereg runs with
/// <c>System.IO.DisableFileLocking</c> (the runtime's advisory lock cost a flock and an fstatfs on every file
/// open, blobs included), so whatever needs exclusion takes it here, explicitly.
/// flock locks belong to the open file description, so a second open in the same process is refused as well,
/// and the descriptor is close-on-exec (.NET's default), so a child process never inherits the lock.
/// </summary>
public sealed partial class ExclusiveFileLock : IDisposable
{
    private const int LockEx = 2;
    private const int LockNb = 4;
    private const int LockUn = 8;
    private const int Eintr = 4;
    private const int Ewouldblock = 11;

    private readonly FileStream _file;
    /// <summary>Taken once: FileStream.SafeFileHandle seeks the descriptor to the stream's position on every get.</summary>
    private readonly SafeFileHandle _handle;
    private bool _disposed;

    private ExclusiveFileLock(FileStream file, SafeFileHandle handle, string path)
    {
        _file = file;
        _handle = handle;
        Path = path;
    }

    /// <summary>The lock file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/>, creating the file (with <paramref name="createMode"/>, default
    /// 0600) when missing; null when another open of it (this process or another) holds the lock.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened or created, or flock failed for another reason.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened.</exception>
    public static ExclusiveFileLock? TryTake(string path, UnixFileMode? createMode = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            // None, not ReadWrite: where the runtime's own locking is still on (a process without the switch),
            // it then takes the same exclusive flock on this very descriptor, and ours below is a no-op. With
            // a shared mode it would take LOCK_SH first, and two openers converting at once would refuse each other.
            Share = FileShare.None,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = createMode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite);
        FileStream file;
        try
        {
            file = new FileStream(full, options);
        }
        catch (IOException e) when (e.HResult == Ewouldblock)
        {
            return null; // the runtime's own flock (switch off) found it held
        }
        var handle = file.SafeFileHandle;
        int error = Lock(handle, LockEx | LockNb);
        if (error == 0) return new ExclusiveFileLock(file, handle, full);
        file.Dispose();
        if (error == Ewouldblock) return null;
        throw new IOException($"flock({full}) failed: {Marshal.GetPInvokeErrorMessage(error)}", error);
    }

    /// <summary>As <see cref="TryTake"/>, but a held lock is an error that names the file.</summary>
    /// <exception cref="FileLockHeldException">Another open of the file holds the lock.</exception>
    public static ExclusiveFileLock Take(string path, UnixFileMode? createMode = null) =>
        TryTake(path, createMode) ?? throw new FileLockHeldException(System.IO.Path.GetFullPath(path));

    public void Dispose()
    {
        // Closing the descriptor releases the lock; unlocking first keeps the release independent of the close
        // (a descriptor duplicated elsewhere would otherwise keep it).
        if (_disposed) return;
        _disposed = true;
        Lock(_handle, LockUn);
        _file.Dispose();
    }

    /// <summary>flock(2), retried on EINTR; 0 or the errno.</summary>
    private static int Lock(SafeFileHandle handle, int operation)
    {
        while (true)
        {
            if (Flock(handle, operation) == 0) return 0;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) return errno;
        }
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle fd, int operation);
}
