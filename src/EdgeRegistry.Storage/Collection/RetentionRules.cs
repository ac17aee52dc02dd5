using System.Globalization;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// Parses pins and retention rules as operators write them in the config file, one string each, so the file stays
/// flat like every other setting:
/// <code>
/// "gcPins":      ["sha256:…", "edgereg/edgereg:*", "openshift/release*:4.18.*"]
/// "gcRetention": ["apps/* keepTags=release-*,v* keepLast=5 untaggedDays=7"]
/// </code>
/// Errors name the entry and the problem, for the settings resolver to report.
/// </summary>
public static class RetentionRules
{
    public static CollectionPin? ParsePin(string text, out string? error)
    {
        error = null;
        text = text.Trim();
        if (text.StartsWith("sha256:", StringComparison.Ordinal) || text.StartsWith("sha512:", StringComparison.Ordinal))
        {
            if (Digest.TryParse(text, out var digest)) return new CollectionPin(digest, null, null);
            error = $"\"{text}\" is not a valid digest";
            return null;
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 || text.Contains(' '))
        {
            error = $"\"{text}\": expected a digest or REPOSITORY-PATTERN:TAG-PATTERN";
            return null;
        }
        return new CollectionPin(null, new GlobPattern(text[..colon]), new GlobPattern(text[(colon + 1)..]));
    }

    public static RetentionPolicy? ParsePolicy(string text, out string? error)
    {
        error = null;
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || words[0].Contains('='))
        {
            error = $"\"{text}\": expected REPOSITORY-PATTERN followed by keepTags=P1,P2 keepLast=N untaggedDays=D";
            return null;
        }
        var policy = new RetentionPolicy { Repositories = new GlobPattern(words[0]) };
        foreach (string word in words[1..])
        {
            int equals = word.IndexOf('=');
            string key = equals > 0 ? word[..equals] : word;
            string value = equals > 0 ? word[(equals + 1)..] : "";
            switch (key)
            {
                case "keepTags" when value.Length > 0:
                    policy = policy with { KeepTags = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(static p => new GlobPattern(p)).ToList() };
                    break;
                case "keepLast" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int last) && last <= 100_000:
                    policy = policy with { KeepLast = last };
                    break;
                case "untaggedDays" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int days) && days <= 36_500:
                    policy = policy with { UntaggedAfter = TimeSpan.FromDays(days) };
                    break;
                default:
                    error = $"\"{text}\": \"{word}\" is not keepTags=PATTERNS, keepLast=N (0–100000) or untaggedDays=D (0–36500)";
                    return null;
            }
        }
        return policy;
    }
}
