using System.Collections.Concurrent;

namespace EdgeRegistry.Upstream.Auth;

/// <summary>
/// Bearer tokens by (realm, service, scope, user), kept until shortly before they expire, so a pull of an image's
/// layers asks the token service once, not once per layer.
/// </summary>
internal sealed class TokenCache(TimeProvider time)
{
    /// <summary>A token is dropped this long before its expiry: a request sent with it must still arrive in time.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);

    public static string Key(AuthChallenge challenge, string scope, Credential? credential) =>
        $"{challenge.Realm}\n{challenge.Service}\n{scope}\n{credential?.Username}";

    public string? Get(string key)
    {
        if (!_tokens.TryGetValue(key, out var entry)) return null;
        if (time.GetUtcNow() < entry.ExpiresAt) return entry.Token;
        _tokens.TryRemove(key, out _);
        return null;
    }

    public void Set(string key, string token, TimeSpan lifetime)
    {
        if (_tokens.Count > 10_000) _tokens.Clear(); // bounded: a scope per repository pulled, far below this
        var keep = lifetime > Margin * 2 ? lifetime - Margin : lifetime / 2;
        _tokens[key] = (token, time.GetUtcNow() + keep);
    }
}
