using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// The real file system with faults armed through <see cref="Faults"/>: File, Directory and FileStream are
/// intercepted (and what they change is recorded for a <see cref="PowerCut"/>); Path, FileInfo, DirectoryInfo,
/// DriveInfo, FileVersionInfo, RandomAccess and watchers are the real ones. Tests assert
/// <see cref="FaultPlan.Injected"/> so that a store reaching files some other way cannot pass unnoticed.
/// </summary>
public sealed class FaultInjectingFileSystem : IFileSystem
{
    private readonly FileSystem _real = new();

    public FaultInjectingFileSystem(FaultPlan? faults = null)
    {
        Faults = faults ?? new FaultPlan();
        FileStream = new FaultInjectingFileStreamFactory(this, _real.FileStream, Faults);
        File = new FaultInjectingFile(this, Faults);
        Directory = new FaultInjectingDirectory(this, Faults);
    }

    public FaultPlan Faults { get; }

    public IFile File { get; }

    public IDirectory Directory { get; }

    public IFileStreamFactory FileStream { get; }

    public IFileInfoFactory FileInfo => _real.FileInfo;

    public IPath Path => _real.Path;

    public IDirectoryInfoFactory DirectoryInfo => _real.DirectoryInfo;

    public IDriveInfoFactory DriveInfo => _real.DriveInfo;

    public IFileSystemWatcherFactory FileSystemWatcher => _real.FileSystemWatcher;

    public IFileVersionInfoFactory FileVersionInfo => _real.FileVersionInfo;

    /// <summary>Positional reads and writes on raw handles: the store's own handle paths say why they bypass the seam.</summary>
    public IRandomAccess RandomAccess => _real.RandomAccess;
}
