using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// fsync that fails when the plan says so and otherwise really syncs: a <see cref="FaultInjectingStream"/> is
/// unwrapped to the real stream first, so the durability path under test is the production one. A sync that
/// succeeds tells the plan's <see cref="PowerCut"/> that the file or directory is now durable.
/// </summary>
public sealed class FaultInjectingFileSync : IFileSync
{
    private readonly IFileSync _inner;
    private readonly FaultPlan _plan;

    public FaultInjectingFileSync(FaultPlan plan, IFileSync? inner = null)
    {
        _plan = plan;
        _inner = inner ?? PosixFileSync.Instance;
    }

    /// <summary>How many file and directory syncs were requested (whether or not they failed).</summary>
    public int FileSyncs => Volatile.Read(ref _fileSyncs);

    public int DirectorySyncs => Volatile.Read(ref _directorySyncs);

    private int _fileSyncs;
    private int _directorySyncs;

    public void FlushFile(Stream stream)
    {
        Interlocked.Increment(ref _fileSyncs);
        var (path, real) = stream switch
        {
            FaultInjectingStream wrapped => (wrapped.Path, wrapped.Inner),
            FileStream file => (file.Name, (Stream)file),
            _ => ("<stream>", stream),
        };
        _plan.Check(FaultOperation.Fsync, path);
        _inner.FlushFile(real);
        _plan.PowerCut.FileSynced(path);
    }

    /// <summary>The inner (by default the production) appender, opened only if the plan lets the file open, with write faults in front.</summary>
    public IFileAppender CreateAppender(string path)
    {
        _plan.Check(FaultOperation.Open, path);
        return new FaultInjectingAppender(_inner.CreateAppender(path), _plan);
    }

    public void FlushDirectory(string path)
    {
        Interlocked.Increment(ref _directorySyncs);
        _plan.Check(FaultOperation.Fsync, path);
        _inner.FlushDirectory(path);
        _plan.PowerCut.DirectorySynced(path);
    }
}
