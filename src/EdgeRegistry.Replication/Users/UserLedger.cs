using System.Text.Json;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Replication.Users;

/// <summary>
/// The versions of this node's users, in <c>&lt;credentials file&gt;.versions.json</c> beside the file (mode 0600:
/// it holds the same hashes). The credentials file stays a plain htpasswd file that `edgereg user` and an operator
/// edit; the ledger remembers what the file held, with the version of each user's last change, so a change to the
/// file can be told from a peer's change and a removed user becomes a tombstone that travels. Tombstones are kept
/// (a few bytes each): a node that comes back after any time still learns of the removal.
/// </summary>
internal sealed class UserLedger
{
    private readonly string _path;
    private volatile IReadOnlyDictionary<string, UserVersion> _users;

    private UserLedger(string path, IReadOnlyDictionary<string, UserVersion> users, string? loadProblem = null)
    {
        _path = path;
        _users = users;
        LoadProblem = loadProblem;
    }

    /// <summary>Why the ledger on disk could not be read (it starts empty then: every user in the file is versioned anew).</summary>
    public string? LoadProblem { get; }

    public static string PathFor(string credentialsFile) => System.IO.Path.GetFullPath(credentialsFile) + ".versions.json";

    public string Path => _path;

    /// <summary>Every user and tombstone, for the peer API.</summary>
    public IReadOnlyDictionary<string, UserVersion> Users => _users;

    /// <summary>The ledger on disk; an empty one (with <see cref="LoadProblem"/>) when it is missing or unreadable.</summary>
    public static UserLedger Load(string credentialsFile)
    {
        string path = PathFor(credentialsFile);
        if (!File.Exists(path)) return new UserLedger(path, new Dictionary<string, UserVersion>(StringComparer.Ordinal));
        try
        {
            using var stream = File.OpenRead(path);
            var table = JsonSerializer.Deserialize(stream, ReplicationJsonContext.Default.UserTable);
            var users = new Dictionary<string, UserVersion>(StringComparer.Ordinal);
            foreach (var user in UserTables.WellFormed(table)) users[user.User] = user;
            return new UserLedger(path, users);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new UserLedger(path, new Dictionary<string, UserVersion>(StringComparer.Ordinal), $"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// What the credentials file changed since the ledger last saw it, as new versions from this node: a user that
    /// is new or has another hash gets <paramref name="now"/>, a user the ledger holds live that the file lost gets a
    /// tombstone. Does not change the ledger (see <see cref="Commit"/>).
    /// </summary>
    public static List<UserVersion> LocalChanges(IReadOnlyDictionary<string, UserVersion> known, IReadOnlyDictionary<string, string> file,
        Func<long> now, string self)
    {
        var changes = new List<UserVersion>();
        foreach (var (user, hash) in file.OrderBy(static u => u.Key, StringComparer.Ordinal))
        {
            if (known.TryGetValue(user, out var entry) && entry.Hash == hash) continue;
            changes.Add(new UserVersion(user, hash, now(), self));
        }
        foreach (var entry in known.Values.OrderBy(static u => u.User, StringComparer.Ordinal))
        {
            if (!entry.Removed && !file.ContainsKey(entry.User)) changes.Add(new UserVersion(entry.User, null, now(), self));
        }

        return changes;
    }

    /// <summary>The peer's entries that outrank what <paramref name="known"/> holds (the newest of each user wins).</summary>
    public static List<UserVersion> Winners(IReadOnlyDictionary<string, UserVersion> known, IEnumerable<UserVersion> remote)
    {
        var winners = new Dictionary<string, UserVersion>(StringComparer.Ordinal);
        foreach (var entry in remote)
        {
            var current = winners.TryGetValue(entry.User, out var won) ? won : known.GetValueOrDefault(entry.User);
            if (current is null || entry.Supersedes(current)) winners[entry.User] = entry;
        }

        return [.. winners.Values.OrderBy(static u => u.User, StringComparer.Ordinal)];
    }

    /// <summary>Saves the ledger with <paramref name="changes"/> applied (temporary file, fsync, rename, directory fsync), then holds it.</summary>
    public void Commit(string self, IReadOnlyList<UserVersion> changes)
    {
        if (changes.Count == 0) return;
        var users = new Dictionary<string, UserVersion>(_users, StringComparer.Ordinal);
        foreach (var change in changes) users[change.User] = change;
        string directory = System.IO.Path.GetDirectoryName(_path)!;
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                var table = new UserTable(self, [.. users.Values.OrderBy(static u => u.User, StringComparer.Ordinal)]);
                JsonSerializer.Serialize(stream, table, ReplicationJsonContext.Default.UserTable);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
            PosixFileSync.Instance.FlushDirectory(directory);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        _users = users;
    }
}
