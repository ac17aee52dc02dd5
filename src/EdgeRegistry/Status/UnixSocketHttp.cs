using System.Net.Sockets;

namespace EdgeRegistry.Status;

/// <summary>HTTP to the agent over its root-only unix socket (status, import): every connection goes to the socket.</summary>
internal static class UnixSocketHttp
{
    public static SocketsHttpHandler CreateHandler(string socketPath) => new()
    {
        UseProxy = false,
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
