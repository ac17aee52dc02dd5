using System.Text;
using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// The credentials file: one <c>user:pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> per
/// line; blank lines and lines starting with '#' are ignored. Users who may push and delete.
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

        var lines = new List<string>();
        bool replaced = false;
        string entry = user + ":" + PasswordHash.Create(password);
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

        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                byte[] content = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
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
