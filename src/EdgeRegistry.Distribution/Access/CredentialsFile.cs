using System.Text;
using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// The credentials file: one <c>user:pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> or
/// <c>user:$2y$…</c> (an htpasswd bcrypt line, as registry:2 reads) per line; blank lines and lines starting with
/// '#' are ignored. Users who may push and delete. Every change replaces the whole file atomically, under
/// <see cref="CredentialsFileLock"/>, so `edgereg user` and the agent applying a peer's change never lose each other's edit.
/// </summary>
public static class CredentialsFile
{
    /// <summary>
    /// Adds <paramref name="user"/> or replaces its password, keeping every other line. The file is replaced
    /// atomically (temporary file, fsync, rename, directory fsync) with mode 0600, so a crash leaves either the
    /// old or the new file and the hashes are never readable by other users.
    /// </summary>
    /// <exception cref="ArgumentException">The user name or password is unusable (the message says why).</exception>
    public static void AddOrUpdate(string path, string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateUser(user);
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("the password must not be empty", nameof(password));

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no parent directory", nameof(path));
        Directory.CreateDirectory(directory);
        string entry = user + ":" + PasswordHash.Create(password);
        using var held = CredentialsFileLock.Take(fullPath);

        var lines = new List<string>();
        bool replaced = false;
        if (File.Exists(fullPath))
        {
            foreach (string line in File.ReadAllLines(fullPath))
            {
                if (UserOf(line) == user)
                {
                    if (!replaced) lines.Add(entry);
                    replaced = true;
                    continue;
                }
                lines.Add(line);
            }
        }
        if (!replaced) lines.Add(entry);

        Write(fullPath, directory, lines);
    }

    /// <summary>Removes <paramref name="user"/>'s line; false (nothing written) when the file has no such user.</summary>
    public static bool Remove(string path, string user)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath)) return false;
        using var held = CredentialsFileLock.Take(fullPath);
        if (!File.Exists(fullPath)) return false;
        string[] lines = File.ReadAllLines(fullPath);
        var kept = lines.Where(line => UserOf(line) != user).ToList();
        if (kept.Count == lines.Length) return false;
        Write(fullPath, Path.GetDirectoryName(fullPath)!, kept);
        return true;
    }

    /// <summary>
    /// Every user in the file with the scheme of their hash, or the problem of a line that `serve` would skip
    /// (so `edgereg user list` shows why a user cannot log in). Empty when the file does not exist.
    /// </summary>
    public static IReadOnlyList<CredentialEntry> List(string path)
    {
        if (!File.Exists(path)) return [];
        var entries = new List<CredentialEntry>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (UserOf(line) is not { } user) continue;
            entries.Add(StoredPasswords.TryParse(line[(user.Length + 1)..], out var stored, out var problem)
                ? new CredentialEntry(user, stored.SchemeName, i + 1, null)
                : new CredentialEntry(user, null, i + 1, problem));
        }

        return entries;
    }

    /// <summary>
    /// The users `serve` accepts and the hash text of each (the part after the colon), as replication compares them
    /// with the cluster's; lines `serve` skips are left out (they stay in the file, unreplicated). A later line for
    /// the same user wins, as it does for `serve`. Empty when the file does not exist.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadHashes(string path)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return users;
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (UserOf(line) is not { } user) continue;
            string hash = line[(user.Length + 1)..];
            if (StoredPasswords.TryParse(hash, out _, out _)) users[user] = hash;
        }

        return users;
    }

    /// <summary>
    /// Why a user and hash (from a peer) cannot be a line of the file; null when `serve` would accept it. A null
    /// hash (a removal) checks the name alone.
    /// </summary>
    public static string? LineProblem(string user, string? hash)
    {
        try
        {
            ValidateUser(user);
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        if (hash is null) return null;
        return StoredPasswords.TryParse(hash, out _, out var problem) ? null : problem;
    }

    /// <summary>
    /// Sets each named user's hash, or removes the user when the hash is null, keeping every other line (comments,
    /// lines `serve` skips) as it is. The caller holds the file's lock (<paramref name="held"/>) across whatever it
    /// read to decide the changes. Nothing is written when nothing changes.
    /// </summary>
    /// <exception cref="ArgumentException">A user or hash is not one `serve` would accept; nothing is written.</exception>
    public static void Apply(string path, CredentialsFileLock held, IReadOnlyDictionary<string, string?> changes)
    {
        ArgumentNullException.ThrowIfNull(held);
        foreach (var (user, hash) in changes)
        {
            if (hash is not null && LineProblem(user, hash) is { } problem) throw new ArgumentException($"user \"{user}\": {problem}", nameof(changes));
        }

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        var old = File.Exists(fullPath) ? File.ReadAllLines(fullPath) : [];
        var lines = new List<string>(old.Length + changes.Count);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in old)
        {
            if (UserOf(line.Trim()) is { } user && changes.TryGetValue(user, out var hash))
            {
                // The first line of a changed user takes the new hash; any later duplicate goes.
                if (hash is not null && written.Add(user)) lines.Add(user + ":" + hash);
                continue;
            }
            lines.Add(line);
        }
        foreach (var (user, hash) in changes)
        {
            if (hash is not null && written.Add(user)) lines.Add(user + ":" + hash);
        }

        if (lines.SequenceEqual(old, StringComparer.Ordinal)) return;
        Directory.CreateDirectory(directory);
        Write(fullPath, directory, lines);
    }

    /// <summary>Temporary file (0600), fsync, rename, directory fsync: a crash leaves the old file or the new one.</summary>
    private static void Write(string fullPath, string directory, IReadOnlyList<string> lines)
    {
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                byte[] content = Encoding.UTF8.GetBytes(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
            PosixFileSync.Instance.FlushDirectory(directory);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The user a line names, or null for blank lines, comments and lines without a colon.</summary>
    internal static string? UserOf(string line)
    {
        if (line.Length == 0 || line[0] == '#') return null;
        int colon = line.IndexOf(':');
        return colon <= 0 ? null : line[..colon];
    }

    private static void ValidateUser(string user)
    {
        if (string.IsNullOrEmpty(user)) throw new ArgumentException("the user name must not be empty", nameof(user));
        foreach (char c in user)
        {
            if (c == ':' || char.IsWhiteSpace(c) || char.IsControl(c) || c == '#')
                throw new ArgumentException($"the user name '{user}' must not contain ':', '#', spaces or control characters", nameof(user));
        }
    }
}
