using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Logging;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// Verifies user/password pairs against the credentials file. The file is re-read when its modification
/// time or size changes. Successful verifications are remembered for <see cref="CacheLifetime"/> under a
/// SHA-256 of the pair (never the password itself), so PBKDF2's deliberate cost is not paid on every request
/// of a push; a reload forgets them all, so a removed user or changed password takes effect at once.
/// </summary>
internal sealed class CredentialStore
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _reloadLock = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot = new(DateTime.MinValue, -1, new Dictionary<string, IStoredPassword>(StringComparer.Ordinal));

    public CredentialStore(string path, TimeProvider time, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _time = time;
        _logger = logger;
    }

    /// <summary>True when the file currently defines at least one user (it is re-read when it changes).</summary>
    public bool HasUsers => Current().Count > 0;

    public bool Verify(string user, string password)
    {
        var users = Current();
        if (!users.TryGetValue(user, out var hash)) return false;

        string key = CacheKey(user, password);
        var now = _time.GetUtcNow();
        if (_verified.TryGetValue(key, out var expires) && expires > now) return true;
        if (!hash.Verify(password)) return false;
        if (_verified.Count > 1024) _verified.Clear(); // bounded: only distinct valid pairs land here
        _verified[key] = now + CacheLifetime;
        return true;
    }

    private IReadOnlyDictionary<string, IStoredPassword> Current()
    {
        var info = new FileInfo(_path);
        bool exists = info.Exists;
        DateTime modified = exists ? info.LastWriteTimeUtc : DateTime.MinValue;
        long length = exists ? info.Length : -1;
        var snapshot = _snapshot;
        if (snapshot.Modified == modified && snapshot.Length == length) return snapshot.Users;
        lock (_reloadLock)
        {
            snapshot = _snapshot;
            if (snapshot.Modified == modified && snapshot.Length == length) return snapshot.Users;
            var users = exists ? Load() : new Dictionary<string, IStoredPassword>(StringComparer.Ordinal);
            if (!exists) DistributionLog.CredentialsFileMissing(_logger, _path);
            _verified.Clear();
            _snapshot = new Snapshot(modified, length, users);
            return users;
        }
    }

    private Dictionary<string, IStoredPassword> Load()
    {
        var users = new Dictionary<string, IStoredPassword>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(_path);
        }
        catch (IOException ex)
        {
            DistributionLog.CredentialsFileUnreadable(_logger, _path, ex.Message);
            return users;
        }
        catch (UnauthorizedAccessException ex)
        {
            DistributionLog.CredentialsFileUnreadable(_logger, _path, ex.Message);
            return users;
        }
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                DistributionLog.CredentialsLineInvalid(_logger, _path, i + 1, "expected user:hash");
                continue;
            }
            if (!StoredPasswords.TryParse(line[(colon + 1)..], out var hash, out string? problem))
            {
                DistributionLog.CredentialsLineInvalid(_logger, _path, i + 1, problem);
                continue;
            }
            users[line[..colon]] = hash;
        }
        DistributionLog.CredentialsLoaded(_logger, _path, users.Count);
        return users;
    }

    private static string CacheKey(string user, string password)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(user + "\0" + password);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    private sealed record Snapshot(DateTime Modified, long Length, IReadOnlyDictionary<string, IStoredPassword> Users);
}
