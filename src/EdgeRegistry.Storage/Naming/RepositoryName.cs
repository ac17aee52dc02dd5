using System.Diagnostics.CodeAnalysis;

namespace EdgeRegistry.Storage.Naming;

/// <summary>
/// A repository name that satisfies the distribution-spec grammar
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>.
/// The grammar itself rules out "..", "/" at either end, empty components, upper case, "%", NUL and every
/// other byte that could make the name escape the store root, so a parsed name is safe as a relative path.
/// </summary>
public sealed record RepositoryName
{
    /// <summary>Distribution's limit on a full name (host included); kept so both registries accept the same names.</summary>
    public const int MaxLength = 255;

    private RepositoryName(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static RepositoryName Parse(string text) =>
        TryParse(text, out var name) ? name : throw new FormatException($"invalid repository name '{text}'");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RepositoryName? name)
    {
        name = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return false;
        foreach (var component in text.Split('/'))
        {
            if (!IsValidComponent(component)) return false;
        }
        name = new RepositoryName(text);
        return true;
    }

    private static bool IsValidComponent(string component)
    {
        if (component.Length == 0 || !IsAlnum(component[0]) || !IsAlnum(component[^1])) return false;
        for (int i = 1; i < component.Length; i++)
        {
            char c = component[i];
            if (IsAlnum(c)) continue;
            // Separators: ".", "_", "__" or one or more "-"; each run must be followed by [a-z0-9].
            int runStart = i;
            while (i < component.Length && !IsAlnum(component[i])) i++;
            var run = component.AsSpan(runStart, i - runStart);
            bool ok = run is "." or "_" or "__" || run.IndexOfAnyExcept('-') < 0;
            if (!ok) return false;
        }
        return true;
    }

    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
