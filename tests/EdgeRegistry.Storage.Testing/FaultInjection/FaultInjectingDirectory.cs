using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// fs.Directory with faults on Directory.Move (the rename a store may use to publish or remove a directory), and
/// the creations and renames recorded for a <see cref="PowerCut"/>.
/// </summary>
public sealed class FaultInjectingDirectory : DirectoryWrapper
{
    private readonly FaultPlan _plan;

    public FaultInjectingDirectory(IFileSystem fileSystem, FaultPlan plan) : base(fileSystem) => _plan = plan;

    public override IDirectoryInfo CreateDirectory(string path)
    {
        _plan.PowerCut.CreatingDirectory(path);
        return base.CreateDirectory(path);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public override IDirectoryInfo CreateDirectory(string path, UnixFileMode unixCreateMode)
    {
        _plan.PowerCut.CreatingDirectory(path);
        return base.CreateDirectory(path, unixCreateMode);
    }

    public override void Move(string sourceDirName, string destDirName)
    {
        _plan.Check(FaultOperation.Move, sourceDirName);
        _plan.Check(FaultOperation.Move, destDirName);
        _plan.PowerCut.MovingDirectory(sourceDirName, destDirName);
        base.Move(sourceDirName, destDirName);
    }
}
