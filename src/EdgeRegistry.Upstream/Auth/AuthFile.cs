using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Auth;

/// <summary>
/// The node's pull secret, docker <c>config.json</c> format (<c>/var/lib/kubelet/config.json</c> on RHCOS, CRI-O's
/// <c>global_auth_file</c>): <c>{"auths": {"host[:port][/namespace…]": {"auth": "base64(user:password)"}}}</c>. The
/// most specific key that matches a repository wins (containers-auth.json(5)). The file is read again when it
/// changes (the pull secret is rotated by the cluster); a missing file means anonymous pulls, a malformed one is
/// logged and ignored, so the cache still serves public images.
/// </summary>
internal sealed partial class AuthFile(string? path, ILogger logger)
{
    private readonly Lock _lock = new();
    private DateTime _readStamp = DateTime.MinValue;
    private Dictionary<string, Credential> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The credential for <paramref name="host"/>/<paramref name="repository"/>, or null for anonymous.</summary>
    public Credential? Find(string host, string repository)
    {
        var entries = Current();
        if (entries.Count == 0) return null;
        // host/a/b/c, host/a/b, host/a, host: the longest key first.
        string key = $"{host}/{repository}";
        while (true)
        {
            if (entries.TryGetValue(key, out var credential)) return credential;
            int slash = key.LastIndexOf('/');
            if (slash < 0) return null;
            key = key[..slash];
        }
    }

    /// <summary>The credential of one named entry (an upstream configured with <c>"credentials"</c>), or null for anonymous.</summary>
    public Credential? FindEntry(string key) => Current().GetValueOrDefault(NormalizeKey(key));

    private Dictionary<string, Credential> Current()
    {
        if (path is null) return _entries;
        DateTime stamp;
        try
        {
            stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return _entries;
        }
        lock (_lock)
        {
            if (stamp == _readStamp) return _entries;
            _readStamp = stamp;
            _entries = stamp == DateTime.MinValue ? new(StringComparer.OrdinalIgnoreCase) : Load(path);
            return _entries;
        }
    }

    private Dictionary<string, Credential> Load(string file)
    {
        var entries = new Dictionary<string, Credential>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { AllowTrailingCommas = true });
            if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                LogMalformed(logger, file, "no \"auths\" object");
                return entries;
            }
            foreach (var entry in auths.EnumerateObject())
            {
                if (Parse(entry.Value) is { } credential) entries[NormalizeKey(entry.Name)] = credential;
                else LogMalformed(logger, file, $"the entry for \"{entry.Name}\" has no usable \"auth\"");
            }
            LogLoaded(logger, file, entries.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            LogMalformed(logger, file, e.Message);
        }
        return entries;
    }

    private static Credential? Parse(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String)
        {
            try
            {
                string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.GetString()!));
                int colon = decoded.IndexOf(':');
                return colon > 0 ? new Credential(decoded[..colon], decoded[(colon + 1)..]) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return entry.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && entry.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String
            ? new Credential(user.GetString()!, password.GetString()!)
            : null;
    }

    /// <summary>Keys as docker writes them too: <c>https://host/v1/</c> is <c>host</c>.</summary>
    internal static string NormalizeKey(string key)
    {
        string k = key;
        if (k.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) k = k[8..];
        else if (k.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) k = k[7..];
        if (k.EndsWith("/v1/", StringComparison.Ordinal) || k.EndsWith("/v2/", StringComparison.Ordinal)) k = k[..^4];
        return k.TrimEnd('/');
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Read {Count} upstream credentials from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Upstream auth file {Path} is unusable ({Problem}); pulling anonymously")]
    private static partial void LogMalformed(ILogger logger, string path, string problem);
}
