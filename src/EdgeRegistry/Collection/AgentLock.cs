using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Collection;

/// <summary>
/// An exclusive lock on <c>&lt;root&gt;/.edgereg/agent.lock</c> that the serving agent holds for its lifetime, so
/// `edgereg gc` with the agent unreachable collects the store directly only when no agent uses it: two
/// collectors, or a collector beside an agent whose leases it cannot see, could delete what a push is using.
/// An explicit flock (<see cref="ExclusiveFileLock"/>), released by the kernel when the process dies: the
/// runtime's FileShare.None lock is switched off in edgereg (System.IO.DisableFileLocking).
/// </summary>
internal sealed class AgentLock : IDisposable
{
    private readonly ExclusiveFileLock _held;

    private AgentLock(ExclusiveFileLock held) => _held = held;

    public static string PathFor(string root) => new Storage.Layout.StorePaths(Path.GetFullPath(root)).AgentLock;

    /// <summary>The lock, or null with the reason when another process holds it or it cannot be taken.</summary>
    public static AgentLock? TryTake(string root, out string? problem)
    {
        string path = PathFor(root);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (ExclusiveFileLock.TryTake(path) is { } held)
            {
                problem = null;
                return new AgentLock(held);
            }
            problem = $"{path} is locked by a running edgereg (another process holds its flock)";
            return null;
        }
        catch (IOException e)
        {
            problem = $"cannot lock {path}: {e.Message}";
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            problem = $"cannot open {path}: {e.Message}";
            return null;
        }
    }

    public void Dispose() => _held.Dispose();
}
