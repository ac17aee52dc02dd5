using System.Net.Http.Headers;

namespace EdgeRegistry.Upstream.Auth;

/// <summary>
/// A registry's <c>WWW-Authenticate</c> answer: <c>Basic realm="…"</c>, or <c>Bearer realm="…",service="…",scope="…"</c>
/// (the distribution token flow). Parameters are parsed as quoted or plain values; anything else is ignored.
/// </summary>
internal sealed record AuthChallenge(string Scheme, string? Realm, string? Service, string? Scope)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first Bearer challenge, else the first Basic one, else null.</summary>
    public static AuthChallenge? From(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        AuthChallenge? basic = null;
        foreach (var header in headers)
        {
            var challenge = Parse(header.Scheme, header.Parameter);
            if (challenge.IsBearer) return challenge;
            if (challenge.IsBasic) basic ??= challenge;
        }
        return basic;
    }

    internal static AuthChallenge Parse(string scheme, string? parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = parameters ?? "";
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || text[i] == ' ')) i++;
            int eq = text.IndexOf('=', i);
            if (eq < 0) break;
            string name = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                int end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                value = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                int end = text.IndexOf(',', i);
                if (end < 0) end = text.Length;
                value = text[i..end].Trim();
                i = end;
            }
            values[name] = value;
        }
        return new AuthChallenge(scheme, values.GetValueOrDefault("realm"), values.GetValueOrDefault("service"), values.GetValueOrDefault("scope"));
    }
}
