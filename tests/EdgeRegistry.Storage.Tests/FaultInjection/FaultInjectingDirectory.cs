using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Tests.FaultInjection;

/// <summary>fs.Directory with faults on Directory.Move (the rename a store may use to publish a directory).</summary>
internal sealed class FaultInjectingDirectory : DirectoryWrapper
{
    private readonly FaultPlan _plan;

    public FaultInjectingDirectory(IFileSystem fileSystem, FaultPlan plan) : base(fileSystem) => _plan = plan;

    public override void Move(string sourceDirName, string destDirName)
    {
        _plan.Check(FaultOperation.Move, sourceDirName);
        _plan.Check(FaultOperation.Move, destDirName);
        base.Move(sourceDirName, destDirName);
    }
}
