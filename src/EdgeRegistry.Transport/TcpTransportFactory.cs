using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Transport;

/// <summary>
/// Kestrel's transport for edgereg: TCP endpoints get <see cref="TcpConnection"/>s (big receives, sendfile);
/// anything else (the status unix socket) goes to Kestrel's own socket transport, which serves it well.
/// </summary>
public sealed class TcpTransportFactory : IConnectionListenerFactory
{
    /// <summary>64 KiB blocks kept for reuse across connections (8 MiB at most).</summary>
    private const int RetainedBlocks = 128;

    private readonly BlockMemoryPool _pool = new(RetainedBlocks);
    private readonly SocketTransportFactory _other;
    private readonly ILogger _logger;
    private readonly FileSendFault? _fileSendFault;

    public TcpTransportFactory(ILoggerFactory loggerFactory)
        : this(loggerFactory, fileSendFault: null)
    {
    }

    /// <param name="fileSendFault">The tests' seam for a file system sendfile refuses; the host never passes one.</param>
    internal TcpTransportFactory(ILoggerFactory loggerFactory, FileSendFault? fileSendFault)
    {
        _fileSendFault = fileSendFault;
        _logger = loggerFactory.CreateLogger("EdgeRegistry.Transport");
        _other = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
    }

    public TransportCounters Counters { get; } = new();

    /// <summary>Read by every connection when it needs them (tests shorten them on a running host).</summary>
    public TransportLimits Limits { get; } = new();

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is IPEndPoint ip)
            return ValueTask.FromResult<IConnectionListener>(TcpConnectionListener.Bind(ip, _pool, Counters, Limits, _fileSendFault, _logger));
        return _other.BindAsync(endpoint, cancellationToken);
    }
}
