namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// A bcrypt hash from an htpasswd file (<c>htpasswd -B</c>, what registry:2 reads): <c>$2y$</c>, <c>$2a$</c> or
/// <c>$2b$</c>, a two-digit cost, then 53 characters of salt and hash. Verified by BCrypt.Net-Next, so the seed's
/// htpasswd file is used as it is and nobody has to choose a new password.
/// </summary>
internal sealed record BcryptHash(string Text) : IStoredPassword
{
    /// <summary>Below this (htpasswd's default is 5, registry:2 docs use 10+) a stolen file is cheap to brute-force.</summary>
    public const int MinCost = 4;

    public string SchemeName => "bcrypt";

    public static bool LooksLike(string text) => text.StartsWith("$2y$", StringComparison.Ordinal)
        || text.StartsWith("$2a$", StringComparison.Ordinal) || text.StartsWith("$2b$", StringComparison.Ordinal);

    public static bool TryParse(string text, out BcryptHash? hash, out string? problem)
    {
        hash = null;
        // $2y$10$ + 22 characters of salt + 31 of hash.
        if (text.Length != 60 || text[6] != '$' || !int.TryParse(text.AsSpan(4, 2), out int cost) || cost < MinCost || cost > 31)
        {
            problem = "expected a bcrypt hash $2y$<cost>$<53 characters> (htpasswd -B)";
            return false;
        }

        hash = new BcryptHash(text);
        problem = null;
        return true;
    }

    public bool Verify(string password)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, Text);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
