using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// Stands in for a source registry: accepts and immediately closes TCP connections on a loopback address,
/// counting them, so a test can prove a client did or did not contact the source.
/// </summary>
internal sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public ConnectionCounter(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Address = $"{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = AcceptAsync();
    }

    /// <summary>HOST:PORT, for use as a source registry.</summary>
    public string Address { get; }

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's cancellation; nothing else can fail in it.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
