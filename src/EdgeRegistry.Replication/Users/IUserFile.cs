namespace EdgeRegistry.Replication.Users;

/// <summary>
/// This node's credentials file as user replication sees it: user names and the hash text of each, never a
/// password. The executable implements it over the distribution API's file format, which replication does not know.
/// </summary>
public interface IUserFile
{
    /// <summary>The file's path: for log lines, and the ledger of versions lives beside it.</summary>
    string Path { get; }

    /// <summary>Whether the file exists (a node without users and peers without any has nothing to lock or write).</summary>
    bool Exists { get; }

    /// <summary>
    /// Holds the file's lock for one read-modify-write (shared with `edgereg user`), so a user added at the same
    /// moment is not overwritten. Throws <see cref="IOException"/> when it cannot be taken.
    /// </summary>
    IDisposable Lock();

    /// <summary>The users the registry accepts and their hash text (under the lock).</summary>
    IReadOnlyDictionary<string, string> Read();

    /// <summary>Sets each user's hash, or removes the user for null (under the lock <paramref name="held"/>).</summary>
    void Apply(IDisposable held, IReadOnlyDictionary<string, string?> changes);

    /// <summary>Why a peer's user and hash cannot be a line of the file (a null hash: the name alone); null when it can.</summary>
    string? Problem(string user, string? hash);
}
