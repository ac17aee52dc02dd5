using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Replication.Security;

/// <summary>
/// Authenticates requests between members with the cluster secret, without sending it: each request carries
/// <c>Edgereg-Peer: &lt;member&gt; &lt;unix seconds&gt; &lt;hex HMAC-SHA256&gt;</c> over the member, time, method and
/// path. A captured header is only good for the same request within the clock window, and the content it fetches
/// is verified by digest anyway, so a replay gains an attacker nothing it could not read anonymously.
/// </summary>
internal sealed class PeerAuthenticator
{
    public const string HeaderName = "Edgereg-Peer";

    /// <summary>Clock skew tolerated between nodes; NTP keeps masters far closer, but a cold start may not have it yet.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[] _secret;
    private readonly HashSet<string> _members;
    private readonly TimeProvider _time;

    /// <summary>Accepts requests from the members of the cluster: the peers and this node.</summary>
    public PeerAuthenticator(ReplicationOptions options, TimeProvider time)
        : this(options.Secret, options.Peers.Append(options.Self), time)
    {
    }

    internal PeerAuthenticator(byte[] secret, IEnumerable<string> members, TimeProvider time)
    {
        _secret = secret;
        _members = new HashSet<string>(members, StringComparer.OrdinalIgnoreCase);
        _time = time;
    }

    public string Sign(string member, string method, string pathAndQuery)
    {
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        return member + " " + now.ToString(CultureInfo.InvariantCulture) + " " + Mac(member, now, method, pathAndQuery);
    }

    /// <summary>The authenticated member, or null with the reason the header was refused.</summary>
    public (string? Member, string? Problem) Verify(string? header, string method, string pathAndQuery)
    {
        if (string.IsNullOrEmpty(header)) return (null, "no peer credentials");
        string[] parts = header.Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            return (null, "malformed peer credentials");
        if (!_members.Contains(parts[0])) return (null, $"'{parts[0]}' is not a cluster member");
        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > Window) return (null, "peer credentials outside the clock window");
        byte[] expected = Encoding.ASCII.GetBytes(Mac(parts[0], seconds, method, pathAndQuery));
        byte[] actual = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? (parts[0], null) : (null, "wrong cluster secret");
    }

    private string Mac(string member, long seconds, string method, string pathAndQuery)
    {
        string message = member + "\n" + seconds.ToString(CultureInfo.InvariantCulture) + "\n" + method.ToUpperInvariant() + "\n" + pathAndQuery;
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(message)));
    }
}
