using System.Net.Sockets;
using System.Text;
using EdgeRegistry.Cli;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Logging;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>The real host under a NOTIFY_SOCKET bound the way systemd binds it: when READY=1 and STOPPING=1 go out.</summary>
[Collection(nameof(NotifySocketCollection))]
public sealed class ServiceNotificationsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task StartAsync_UnderNotifySocket_ReadyWithServingStatusBeforeApplicationStarted()
    {
        using var socket = BindNotifySocket(_temp.File("notify"));
        string? queuedAtStarted = null;
        await using var app = await StartWithNotifySocketAsync(_temp.File("notify"), started: () => queuedAtStarted = TryReceive(socket));

        // SystemdLifetime sends its bare READY=1 from ApplicationStarted: ours, with the listeners, was queued before it.
        string address = ServeRunner.BoundAddresses(app).Single();
        Assert.Equal($"READY=1\nSTATUS=serving 0 repositories on {address}", queuedAtStarted);
        using var client = new TcpClient();
        await client.ConnectAsync(new Uri(address).Host, new Uri(address).Port);
    }

    [Fact]
    public async Task StopAsync_UnderNotifySocket_SendsStoppingWithStatus()
    {
        using var socket = BindNotifySocket(_temp.File("notify"));
        await using var app = await StartWithNotifySocketAsync(_temp.File("notify"), started: () => { });
        Assert.StartsWith("READY=1\n", Receive(socket), StringComparison.Ordinal);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(timeout.Token);

        Assert.Equal("STOPPING=1\nSTATUS=stopping: finishing in-flight requests", Receive(socket));
    }

    /// <summary>Builds and starts the host as `serve` does (store first, then listeners) with NOTIFY_SOCKET set meanwhile.</summary>
    private async Task<WebApplication> StartWithNotifySocketAsync(string notifySocket, Action started)
    {
        string? before = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", notifySocket);
        try
        {
            var app = RegistryHost.Build(RunningRegistry.Settings(_temp.File("root")), LoggingSetup.CreateLogger(LogEventLevel.Warning));
            app.Lifetime.ApplicationStarted.Register(started);
            RegistryHost.OpenStore(app);
            await app.StartAsync();
            return app;
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", before);
        }
    }

    private static Socket BindNotifySocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    /// <summary>The next datagram already queued, or null: a unix datagram is in the queue once its send returned.</summary>
    private static string? TryReceive(Socket socket) => socket.Available > 0 ? Receive(socket) : null;

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int received = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
