using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// Finds the operating-system file behind a stream the store's file system opened, for the calls that need its
/// handle (pread, sendfile). Since System.IO.Abstractions 19 every opened file is a
/// <see cref="FileSystemStream"/>; only the library's own wrapper of the real file system is known to hold a
/// <see cref="FileStream"/>. Any other stream (a test's fault-injecting one) has no file to hand out and is used
/// through the Stream API, so its faults stay on the path.
/// </summary>
internal static class PlainFileStreams
{
    private static readonly System.Reflection.Assembly RealFileSystem = typeof(FileSystem).Assembly;

    public static FileStream? TryUnwrap(Stream stream) => stream switch
    {
        FileStream file => file,
        FileSystemStream wrapped when wrapped.GetType().Assembly == RealFileSystem => (FileStream)wrapped,
        _ => null,
    };
}
