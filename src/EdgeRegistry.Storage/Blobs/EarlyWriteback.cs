using System.Runtime.InteropServices;
using EdgeRegistry.Storage.Durability;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// Starts the kernel writing dirty pages of a file to disk while the writer keeps going
/// (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does not wait), so that the fsync before a blob becomes
/// visible finds little left to write. It is only a hint: durability still comes from that fsync. A no-op where
/// the call is unavailable (not Linux, or a stream that is not a real file).
/// </summary>
internal static partial class EarlyWriteback
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(Stream stream, long offset, long count)
    {
        if (!OperatingSystem.IsLinux() || PlainFileStreams.TryUnwrap(stream) is not FileStream file || count <= 0) return;
        try
        {
            _ = SyncFileRange(file.SafeFileHandle, offset, count, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or ObjectDisposedException)
        {
            // Only an optimisation: the final fsync does the work instead.
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
