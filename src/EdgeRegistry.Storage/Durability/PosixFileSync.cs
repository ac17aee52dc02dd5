using System.IO.Abstractions;
using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// fsync for files (FileStream.Flush(true)) and directories (open O_RDONLY|O_DIRECTORY + fsync through libc,
/// because .NET cannot open a directory as a file). On non-Unix systems directory sync is a no-op. Appends
/// go through O_DIRECT where the file system allows it (<see cref="DirectFileAppender"/>).
/// </summary>
public sealed partial class PosixFileSync : IFileSync
{
    public static readonly PosixFileSync Instance = new();

    private const int ORdOnly = 0;
    // O_DIRECTORY differs by architecture: on arm64 0x10000 is O_DIRECT, which would make every directory fsync fail.
    private static readonly int ODirectory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;
    private const int OCloexec = 0x80000;

    public void FlushFile(Stream stream)
    {
        switch (stream)
        {
            case FileStream file: file.Flush(flushToDisk: true); break;
            case FileSystemStream file: file.Flush(flushToDisk: true); break;
            default: stream.Flush(); break;
        }
    }

    /// <summary>Direct I/O where the file system takes it, the page cache otherwise.</summary>
    public IFileAppender CreateAppender(string path) =>
        (IFileAppender?)DirectFileAppender.TryOpen(path) ?? StreamFileAppender.Open(path);

    public void FlushDirectory(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(path, ORdOnly | ODirectory | OCloexec);
        if (fd < 0) throw ErrnoException("open", path);
        try
        {
            if (Fsync(fd) != 0) throw ErrnoException("fsync", path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException ErrnoException(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
