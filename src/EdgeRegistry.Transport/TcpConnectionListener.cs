using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Transport;

/// <summary>A listening TCP socket that hands Kestrel <see cref="TcpConnection"/>s.</summary>
internal sealed partial class TcpConnectionListener : IConnectionListener
{
    /// <summary>Kestrel's default backlog: a cold-started cluster's CRI-O opens many pulls at once.</summary>
    private const int Backlog = 512;

    private readonly Socket _socket;
    private readonly MemoryPool<byte> _pool;
    private readonly TransportCounters _counters;
    private readonly TransportLimits _limits;
    private readonly FileSendFault? _fault;
    private readonly ILogger _logger;

    private TcpConnectionListener(Socket socket, MemoryPool<byte> pool, TransportCounters counters, TransportLimits limits, FileSendFault? fault, ILogger logger)
    {
        _limits = limits;
        _fault = fault;
        _socket = socket;
        _pool = pool;
        _counters = counters;
        _logger = logger;
        EndPoint = socket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    public static TcpConnectionListener Bind(IPEndPoint endpoint, MemoryPool<byte> pool, TransportCounters counters, TransportLimits limits,
        FileSendFault? fault, ILogger logger)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // [::] takes IPv4 clients too, as Kestrel's own transport does.
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(endpoint);
            socket.Listen(Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            // Kestrel reports this type as "address already in use" (and skips [::1] for localhost when IPv6 is off).
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpConnectionListener(socket, pool, counters, limits, fault, logger);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null; // unbound while accepting
            }
            catch (SocketException e)
            {
                // A client that reset before it was accepted: not a reason to stop listening.
                LogAcceptFailed(_logger, e.SocketErrorCode.ToString());
                continue;
            }
            // Responses are written whole; Nagle would only hold back the last segment of each.
            accepted.NoDelay = true;
            var connection = new TcpConnection(accepted, _pool, _counters, _limits, _fault, _logger);
            connection.Start();
            return connection;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Accepting a connection failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, string error);
}
