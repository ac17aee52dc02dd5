using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// A salted PBKDF2-HMAC-SHA256 password hash in the form <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>.
/// </summary>
internal sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash) : IStoredPassword
{
    public string SchemeName => Scheme;

    public const string Scheme = "pbkdf2-sha256";

    /// <summary>Below this a stolen file is too cheap to brute-force; such entries are refused when loading.</summary>
    public const int MinIterations = 100_000;

    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; verification results are cached, so the cost is paid rarely.</summary>
    public const int DefaultIterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return new PasswordHash(iterations, salt, hash);
    }

    public bool Verify(string password)
    {
        byte[] candidate = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Salt, Iterations, HashAlgorithmName.SHA256, Hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, Hash);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scheme}${Iterations}${Convert.ToBase64String(Salt)}${Convert.ToBase64String(Hash)}");

    public static bool TryParse(string text, [NotNullWhen(true)] out PasswordHash? hash, [NotNullWhen(false)] out string? problem)
    {
        hash = null;
        string[] parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            problem = $"expected {Scheme}$<iterations>$<base64 salt>$<base64 hash>";
            return false;
        }
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < MinIterations)
        {
            problem = $"iterations must be a number of at least {MinIterations}";
            return false;
        }
        try
        {
            byte[] salt = Convert.FromBase64String(parts[2]);
            byte[] digest = Convert.FromBase64String(parts[3]);
            if (salt.Length < 8 || digest.Length < 16)
            {
                problem = "salt or hash is too short";
                return false;
            }
            hash = new PasswordHash(iterations, salt, digest);
            problem = null;
            return true;
        }
        catch (FormatException)
        {
            problem = "salt or hash is not valid base64";
            return false;
        }
    }
}
