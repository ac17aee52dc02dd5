namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// A name pattern of retention rules and pins: <c>*</c> matches any run of characters (slashes included, so
/// <c>openshift/*</c> covers nested repositories), <c>?</c> one character, anything else itself.
/// </summary>
public sealed record GlobPattern(string Text)
{
    public bool Matches(string value) => Match(Text.AsSpan(), value.AsSpan());

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        // Greedy with one backtrack point per star: linear for the short patterns operators write.
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    public override string ToString() => Text;
}
