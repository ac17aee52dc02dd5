using System.IO.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// fs.FileStream.New(...) through the real factory, with every returned stream wrapped in a
/// <see cref="FaultInjectingStream"/> and every file opened for writing recorded in the plan's
/// <see cref="PowerCut"/> (its bytes are not durable until fsynced). Streams over raw handles have no path;
/// they are wrapped under the name "&lt;handle&gt;" so that a catch-all fault still reaches them.
/// </summary>
public sealed class FaultInjectingFileStreamFactory : IFileStreamFactory
{
    private const string HandlePath = "<handle>";
    private readonly IFileStreamFactory _inner;
    private readonly FaultPlan _plan;

    public FaultInjectingFileStreamFactory(IFileSystem fileSystem, IFileStreamFactory inner, FaultPlan plan)
    {
        FileSystem = fileSystem;
        _inner = inner;
        _plan = plan;
    }

    public IFileSystem FileSystem { get; }

    public FileSystemStream New(string path, FileMode mode) =>
        Wrap(path, mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite, () => _inner.New(path, mode));

    public FileSystemStream New(string path, FileMode mode, FileAccess access) => Wrap(path, access, () => _inner.New(path, mode, access));

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share) =>
        Wrap(path, access, () => _inner.New(path, mode, access, share));

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize) =>
        Wrap(path, access, () => _inner.New(path, mode, access, share, bufferSize));

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, FileOptions options) =>
        Wrap(path, access, () => _inner.New(path, mode, access, share, bufferSize, options));

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, bool useAsync) =>
        Wrap(path, access, () => _inner.New(path, mode, access, share, bufferSize, useAsync));

    public FileSystemStream New(string path, FileStreamOptions options) => Wrap(path, options.Access, () => _inner.New(path, options));

    public FileSystemStream New(SafeFileHandle handle, FileAccess access) => Wrap(HandlePath, FileAccess.Read, () => _inner.New(handle, access));

    public FileSystemStream New(SafeFileHandle handle, FileAccess access, int bufferSize) =>
        Wrap(HandlePath, FileAccess.Read, () => _inner.New(handle, access, bufferSize));

    public FileSystemStream New(SafeFileHandle handle, FileAccess access, int bufferSize, bool isAsync) =>
        Wrap(HandlePath, FileAccess.Read, () => _inner.New(handle, access, bufferSize, isAsync));

    public FileSystemStream Wrap(FileStream fileStream) => Wrap(fileStream.Name, FileAccess.Read, () => _inner.Wrap(fileStream));

    private FaultInjectingStream Wrap(string path, FileAccess access, Func<FileSystemStream> open)
    {
        _plan.Check(FaultOperation.Open, path);
        if (path != HandlePath && (access & FileAccess.Write) != 0) _plan.PowerCut.OpenedForWriting(path);
        return new FaultInjectingStream(open(), path, _plan);
    }
}
