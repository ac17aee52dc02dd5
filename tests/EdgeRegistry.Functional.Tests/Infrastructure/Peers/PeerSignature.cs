using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Peers;

/// <summary>
/// The peer API's request credentials as the README documents them — <c>Edgereg-Peer: MEMBER SECONDS HMAC</c>, an
/// HMAC-SHA256 with the cluster secret over member, time, method and path — checked independently of edgereg's code.
/// </summary>
internal sealed class PeerSignature(byte[] secret, IReadOnlyCollection<string> members)
{
    public const string Header = "Edgereg-Peer";

    /// <summary>Null when <paramref name="header"/> authenticates a member for this request, else why not.</summary>
    public string? Problem(string? header, string method, string pathAndQuery)
    {
        var parts = (header ?? "").Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "no or malformed peer credentials";
        }

        if (!members.Contains(parts[0]))
        {
            return $"{parts[0]} is not a member";
        }

        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return "outside the clock window";
        }

        var message = $"{parts[0]}\n{seconds.ToString(CultureInfo.InvariantCulture)}\n{method.ToUpperInvariant()}\n{pathAndQuery}";
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(message)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2])) ? null : "wrong MAC";
    }

    /// <summary>The secret as edgereg reads its file: the file's bytes, surrounding whitespace trimmed (the text is the key).</summary>
    public static byte[] ReadSecretFile(string path) => Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
}
