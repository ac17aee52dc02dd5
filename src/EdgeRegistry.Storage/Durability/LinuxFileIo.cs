using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The few libc calls O_DIRECT needs that .NET does not offer: toggling the flag on an open descriptor, a raw
/// pwrite whose errno we see, and lseek for the length (RandomAccess would add an fstat and a seekability probe).
/// </summary>
internal static unsafe partial class LinuxFileIo
{
    public const int Einval = 22;
    private const int Eintr = 4;
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int SeekEnd = 2;

    /// <summary>O_DIRECT's value on this architecture, or 0 where we do not know it (no direct I/O there).</summary>
    public static int ODirect { get; } = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    /// <summary>Sets or clears O_DIRECT; returns 0 or the errno (EINVAL: the file system refuses direct I/O).</summary>
    public static int SetDirect(int fd, bool direct)
    {
        int flags = Fcntl(fd, FGetFl, 0);
        if (flags < 0) return Marshal.GetLastPInvokeError();
        int wanted = direct ? flags | ODirect : flags & ~ODirect;
        if (wanted == flags) return 0;
        return Fcntl(fd, FSetFl, wanted) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>One pwrite(2); returns the bytes written, or -errno.</summary>
    public static long WriteAt(int fd, byte* buffer, int count, long offset)
    {
        while (true)
        {
            nint written = PWrite(fd, buffer, (nuint)count, offset);
            if (written >= 0) return written;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) return -errno;
        }
    }

    /// <summary>pwrite(2) until every byte is out (a page-cache write may be short); throws with the errno.</summary>
    public static void WriteAllAt(int fd, byte* buffer, int count, long offset, string path)
    {
        int done = 0;
        while (done < count)
        {
            long written = WriteAt(fd, buffer + done, count - done, offset + done);
            if (written < 0) throw Failure((int)-written, "pwrite", path);
            if (written == 0) throw new IOException($"pwrite({path}) wrote nothing");
            done += (int)written;
        }
    }

    /// <summary>The file's length: one lseek(2) to its end.</summary>
    public static long LengthOf(int fd, string path)
    {
        long end = LSeek(fd, 0, SeekEnd);
        return end >= 0 ? end : throw Failure(Marshal.GetLastPInvokeError(), "lseek", path);
    }

    public static IOException Failure(int errno, string call, string path) =>
        new($"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "lseek64", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "pwrite64", SetLastError = true)]
    private static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);
}
