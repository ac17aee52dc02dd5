namespace EdgeRegistry.Collection;

/// <summary>
/// An exclusive lock on <c>&lt;root&gt;/.edgereg/agent.lock</c> that the serving agent holds for its lifetime, so
/// `edgereg gc` with the agent unreachable collects the store directly only when no agent uses it: two
/// collectors, or a collector beside an agent whose leases it cannot see, could delete what a push is using.
/// .NET takes a flock(2) for <see cref="FileShare.None"/>, released by the kernel when the process dies.
/// </summary>
internal sealed class AgentLock : IDisposable
{
    private readonly FileStream _file;

    private AgentLock(FileStream file) => _file = file;

    public static string PathFor(string root) => new Storage.Layout.StorePaths(Path.GetFullPath(root)).AgentLock;

    /// <summary>The lock, or null with the reason when another process holds it or it cannot be taken.</summary>
    public static AgentLock? TryTake(string root, out string? problem)
    {
        string path = PathFor(root);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            problem = null;
            return new AgentLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            problem = $"{path} is locked by a running edgereg ({e.Message})";
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            problem = $"cannot open {path}: {e.Message}";
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
