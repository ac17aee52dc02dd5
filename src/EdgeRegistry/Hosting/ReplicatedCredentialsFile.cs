using EdgeRegistry.Distribution.Access;
using EdgeRegistry.Replication.Users;

namespace EdgeRegistry.Hosting;

/// <summary>
/// The credentials file `serve` checks pushes against, as user replication reads and writes it: the distribution
/// API's <see cref="CredentialsFile"/> format and lock, so `edgereg user` and the agent edit the same file safely.
/// </summary>
internal sealed class ReplicatedCredentialsFile(string path) : IUserFile
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public bool Exists => File.Exists(Path);

    public IDisposable Lock() => CredentialsFileLock.Take(Path);

    public IReadOnlyDictionary<string, string> Read() => CredentialsFile.ReadHashes(Path);

    public void Apply(IDisposable held, IReadOnlyDictionary<string, string?> changes) =>
        CredentialsFile.Apply(Path, (CredentialsFileLock)held, changes);

    public string? Problem(string user, string? hash) => CredentialsFile.LineProblem(user, hash);
}
