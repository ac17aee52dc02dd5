using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Transport.Tests.Support;

/// <summary>Reads HTTP/1.1 responses with a Content-Length body, one after the other, from a raw socket.</summary>
internal sealed class ResponseReader(Socket socket)
{
    private readonly List<byte> _buffered = [];

    public async Task<(int Status, byte[] Body)> ReadAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd()) < 0) await FillAsync(cancellationToken);
        var head = Encoding.ASCII.GetString(_buffered.GetRange(0, headerEnd).ToArray()).Split("\r\n");
        int status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var lengthLine = head.First(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        int length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        _buffered.RemoveRange(0, headerEnd + 4);
        while (_buffered.Count < length) await FillAsync(cancellationToken);
        var body = _buffered.GetRange(0, length).ToArray();
        _buffered.RemoveRange(0, length);
        return (status, body);
    }

    private int IndexOfHeaderEnd()
    {
        for (int i = 0; i + 3 < _buffered.Count; i++)
        {
            if (_buffered[i] == '\r' && _buffered[i + 1] == '\n' && _buffered[i + 2] == '\r' && _buffered[i + 3] == '\n') return i;
        }
        return -1;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[256 * 1024];
        int read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
        if (read == 0) throw new IOException("the server closed the connection");
        _buffered.AddRange(chunk.AsSpan(0, read).ToArray());
    }
}
