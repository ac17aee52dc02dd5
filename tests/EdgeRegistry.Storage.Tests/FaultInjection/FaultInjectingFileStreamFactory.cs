using System.IO.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Storage.Tests.FaultInjection;

/// <summary>
/// fs.FileStream.Create(...) through the real factory, with every returned stream wrapped in a
/// <see cref="FaultInjectingStream"/>. Streams over raw handles have no path; they are wrapped under
/// the name "&lt;handle&gt;" so that a catch-all fault still reaches them.
/// </summary>
internal sealed class FaultInjectingFileStreamFactory : IFileStreamFactory
{
    private const string HandlePath = "<handle>";
    private readonly IFileStreamFactory _inner;
    private readonly FaultPlan _plan;

    public FaultInjectingFileStreamFactory(IFileStreamFactory inner, FaultPlan plan)
    {
        _inner = inner;
        _plan = plan;
    }

    public Stream Create(string path, FileMode mode) => Wrap(path, () => _inner.Create(path, mode));

    public Stream Create(string path, FileMode mode, FileAccess access) => Wrap(path, () => _inner.Create(path, mode, access));

    public Stream Create(string path, FileMode mode, FileAccess access, FileShare share) =>
        Wrap(path, () => _inner.Create(path, mode, access, share));

    public Stream Create(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize) =>
        Wrap(path, () => _inner.Create(path, mode, access, share, bufferSize));

    public Stream Create(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, FileOptions options) =>
        Wrap(path, () => _inner.Create(path, mode, access, share, bufferSize, options));

    public Stream Create(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, bool useAsync) =>
        Wrap(path, () => _inner.Create(path, mode, access, share, bufferSize, useAsync));

    public Stream Create(SafeFileHandle handle, FileAccess access) => Wrap(HandlePath, () => _inner.Create(handle, access));

    public Stream Create(SafeFileHandle handle, FileAccess access, int bufferSize) =>
        Wrap(HandlePath, () => _inner.Create(handle, access, bufferSize));

    public Stream Create(SafeFileHandle handle, FileAccess access, int bufferSize, bool isAsync) =>
        Wrap(HandlePath, () => _inner.Create(handle, access, bufferSize, isAsync));

    [Obsolete("This method has been deprecated. Please use new Create(SafeFileHandle handle, FileAccess access) instead. http://go.microsoft.com/fwlink/?linkid=14202")]
    public Stream Create(IntPtr handle, FileAccess access) => Wrap(HandlePath, () => _inner.Create(handle, access));

    [Obsolete("This method has been deprecated. Please use new Create(SafeFileHandle handle, FileAccess access) instead. http://go.microsoft.com/fwlink/?linkid=14202")]
    public Stream Create(IntPtr handle, FileAccess access, bool ownsHandle) =>
        Wrap(HandlePath, () => _inner.Create(handle, access, ownsHandle));

    [Obsolete("This method has been deprecated. Please use new Create(SafeFileHandle handle, FileAccess access, int bufferSize) instead. http://go.microsoft.com/fwlink/?linkid=14202")]
    public Stream Create(IntPtr handle, FileAccess access, bool ownsHandle, int bufferSize) =>
        Wrap(HandlePath, () => _inner.Create(handle, access, ownsHandle, bufferSize));

    [Obsolete("This method has been deprecated. Please use new Create(SafeFileHandle handle, FileAccess access, int bufferSize, bool isAsync) instead. http://go.microsoft.com/fwlink/?linkid=14202")]
    public Stream Create(IntPtr handle, FileAccess access, bool ownsHandle, int bufferSize, bool isAsync) =>
        Wrap(HandlePath, () => _inner.Create(handle, access, ownsHandle, bufferSize, isAsync));

    private FaultInjectingStream Wrap(string path, Func<Stream> open)
    {
        _plan.Check(FaultOperation.Open, path);
        return new FaultInjectingStream(open(), path, _plan);
    }
}
