using System.Diagnostics.CodeAnalysis;

namespace EdgeRegistry.Distribution.Access;

/// <summary>Reads the hash half of a credentials line: edgereg's PBKDF2 format, or an htpasswd bcrypt hash.</summary>
internal static class StoredPasswords
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IStoredPassword? stored, [NotNullWhen(false)] out string? problem)
    {
        if (BcryptHash.LooksLike(text))
        {
            var parsed = BcryptHash.TryParse(text, out var bcrypt, out problem);
            stored = bcrypt;
            return parsed;
        }

        if (text.StartsWith(PasswordHash.Scheme + "$", StringComparison.Ordinal))
        {
            var parsed = PasswordHash.TryParse(text, out var pbkdf2, out problem);
            stored = pbkdf2;
            return parsed;
        }

        stored = null;
        problem = text.StartsWith("$apr1$", StringComparison.Ordinal) || text.StartsWith("{SHA}", StringComparison.Ordinal)
            ? "MD5 ($apr1$) and SHA-1 ({SHA}) htpasswd entries are not accepted (registry:2 refuses them too); set the password again with `edgereg user add`"
            : $"expected {PasswordHash.Scheme}$<iterations>$<base64 salt>$<base64 hash> or an htpasswd bcrypt hash ($2y$…)";
        return false;
    }
}
