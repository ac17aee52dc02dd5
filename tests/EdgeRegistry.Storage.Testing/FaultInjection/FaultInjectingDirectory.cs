using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// fs.Directory with faults on Directory.Move (the rename a store may use to publish or remove a directory), and
/// the creations and renames recorded for a <see cref="PowerCut"/>. Existence checks are counted (each is a stat):
/// tests of how many a write makes.
/// </summary>
public sealed class FaultInjectingDirectory : DirectoryWrapper
{
    private readonly FaultPlan _plan;

    private int _existsCalls;

    public FaultInjectingDirectory(IFileSystem fileSystem, FaultPlan plan) : base(fileSystem) => _plan = plan;

    /// <summary>Directory.Exists calls so far, on any thread.</summary>
    public int ExistsCalls => Volatile.Read(ref _existsCalls);

    public override bool Exists(string? path)
    {
        Interlocked.Increment(ref _existsCalls);
        return base.Exists(path);
    }

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
