using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// rename(2) and renameat2(2) straight from libc, for the store's publish path on Linux.
/// <para>
/// Why not File.Move / Directory.Move: .NET checks the source and the destination (lstat/stat) before its rename,
/// and a small object's publish renames three to six times, so those checks were about a tenth of a rehydrating
/// node's syscalls. And Directory.Move of an empty directory onto a directory another writer has just made
/// *replaces* it (rename(2) allows that), so two writers making the same level raced; RENAME_NOREPLACE makes the
/// kernel refuse instead, atomically, and the loser takes the winner's directory.
/// </para>
/// Failures come back as the exceptions .NET's own calls throw for the same errno (an IOException whose HResult is
/// the errno, UnauthorizedAccessException for EACCES/EPERM), so <see cref="IoFailures"/> reads them the same way.
/// </summary>
internal static partial class NativeRename
{
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Eintr = 4;
    private const int Eacces = 13;
    private const int Eexist = 17;
    private const int Einval = 22;
    private const int Enosys = 38;
    private const int Enotempty = 39;
    private const int AtFdcwd = -100;
    private const uint RenameNoreplace = 1;

    // 1 = renameat2 with RENAME_NOREPLACE works here, 0 = not yet known, -1 = refused (kernel or file system):
    // learnt once per process, because every store of a process lives on the same kind of file system in practice,
    // and a wrong guess either way only costs the check-then-rename fallback.
    private static int s_noReplace;

    /// <summary>Whether renameat2(RENAME_NOREPLACE) was refused here (the callers then check before they rename).</summary>
    public static bool NoReplaceRefused => Volatile.Read(ref s_noReplace) < 0;

    /// <summary>Renames a file over <paramref name="destination"/> (replacing a file there): one rename(2).</summary>
    public static void Replace(string source, string destination)
    {
        while (Rename(source, destination) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw Failure(errno, source, destination);
        }
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/> unless the destination exists. Returns
    /// false when it does (EEXIST, or ENOTEMPTY from file systems that answer so); null when renameat2 or its flag
    /// is refused here, for the caller's fallback.
    /// </summary>
    public static bool? TryMoveNoReplace(string source, string destination)
    {
        if (Volatile.Read(ref s_noReplace) < 0) return null;
        while (RenameAt2(AtFdcwd, source, AtFdcwd, destination, RenameNoreplace) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Eintr: continue;
                case Eexist or Enotempty: return false;
                case Enosys or Einval:
                    Volatile.Write(ref s_noReplace, -1);
                    return null;
                default: throw Failure(errno, source, destination);
            }
        }
        Volatile.Write(ref s_noReplace, 1);
        return true;
    }

    /// <summary>Makes the next <see cref="TryMoveNoReplace"/> calls answer "refused" (tests of the fallback).</summary>
    internal static void RefuseNoReplaceForTests(bool refuse) => Volatile.Write(ref s_noReplace, refuse ? -1 : 0);

    private static Exception Failure(int errno, string source, string destination)
    {
        string message = $"rename({source}, {destination}) failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno switch
        {
            Eacces or Eperm => new UnauthorizedAccessException(message),
            // As .NET does for a missing path: the publish path retries when a parent vanished under it.
            Enoent => new DirectoryNotFoundException(message) { HResult = Enoent },
            _ => new IOException(message, errno),
        };
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
