using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Hosting;

public sealed class TlsHandshakeRejectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PlainListener_TlsClientHandshake_FailsWithinFiveSecondsNotAtTheDeadline()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, registry.Port);
        await using var tls = new SslStream(tcp.GetStream());
        // The bug this guards against is a hang (containers/image waits for its own TLS timeout, tens of seconds),
        // so the handshake gets a hard deadline well above the assertion. The bound leaves room for loading
        // OpenSSL on a loaded two-core CI machine; a hang would reach the deadline.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };

        var stopwatch = Stopwatch.StartNew();
        var failure = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync(options, deadline.Token));
        stopwatch.Stop();

        Assert.True(failure is AuthenticationException or IOException, $"unexpected outcome: {failure}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"handshake took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task PlainListener_TlsRecordByte_AnsweredWithHandshakeFailureAlertThenClosed()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, registry.Port);
        var stream = tcp.GetStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // The start of a TLS record header: handshake (0x16), version 3.1, a length.
        await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05 }, deadline.Token);
        var received = new MemoryStream();
        var buffer = new byte[64];
        int read;
        while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0 && received.Length < 64)
        {
            received.Write(buffer, 0, read);
        }

        Assert.Equal(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 }, received.ToArray());
    }

    [Fact]
    public async Task PlainListener_AfterTlsProbe_SamePortStillServesHttp()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, registry.Port);
            await using var tls = new SslStream(tcp.GetStream());
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }, deadline.Token));
        }

        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
