using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// The text handshake before the binary protocol: a NUL byte (the credentials byte), <c>AUTH EXTERNAL</c> with our
/// uid in hex-encoded ASCII, then <c>BEGIN</c> once the bus answers <c>OK &lt;guid&gt;</c>. The bus checks the uid
/// against the socket's peer credentials, so nothing secret is exchanged.
/// </summary>
internal static class SaslExternalAuthenticator
{
    // Server lines are short ("OK" + 32 hex digits, or "REJECTED" + mechanism names); anything longer is not a bus.
    private const int MaxLineBytes = 512;

    public static async Task<string> AuthenticateAsync(NetworkStream stream, uint uid, CancellationToken ct)
    {
        string hexUid = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid.ToString(CultureInfo.InvariantCulture)));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("\0AUTH EXTERNAL " + hexUid + "\r\n"), ct).ConfigureAwait(false);
        string reply = await ReadLineAsync(stream, ct).ConfigureAwait(false);
        if (reply.StartsWith("OK ", StringComparison.Ordinal))
        {
            await stream.WriteAsync("BEGIN\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            return reply[3..];
        }
        if (reply.StartsWith("REJECTED", StringComparison.Ordinal))
        {
            throw new DBusConnectionException($"the bus rejected EXTERNAL authentication as uid {uid} (it offers:{reply[8..]})");
        }
        throw new DBusConnectionException($"unexpected answer to AUTH EXTERNAL: '{reply}'");
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < MaxLineBytes)
        {
            // One byte at a time: nothing past the line may be consumed, it belongs to the binary protocol.
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0)
            {
                throw new DBusConnectionException("the bus closed the connection during authentication");
            }
            if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                line.RemoveAt(line.Count - 1);
                return Encoding.ASCII.GetString([.. line]);
            }
            line.Add(one[0]);
        }
        throw new DBusConnectionException($"authentication reply longer than {MaxLineBytes} bytes: this is not a D-Bus server");
    }
}
