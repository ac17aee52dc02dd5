using System.Diagnostics;
using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>Buses that stall or misbehave: every wait must end within its bound with a clear exception.</summary>
public sealed class StuckBusTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task ConnectAsync_SocketAcceptsAndStaysSilent_TimesOut()
    {
        await using ScriptedBus bus = ScriptedBus.Silent();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => DBusConnection.ConnectAsync(bus.Address, ShortTimeout));

        // Timers may fire a few milliseconds early relative to the stopwatch.
        Assert.InRange(clock.Elapsed, ShortTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3));
        Assert.Contains("did not complete connect, authentication and Hello within 0.3 s", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_DefaultTimeout_BoundsSilentBusToTwoSeconds()
    {
        await using ScriptedBus bus = ScriptedBus.Silent();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() => DBusConnection.ConnectAsync(bus.Address));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CallAsync_BusNeverAnswers_TimesOutNamingTheCall()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello((stream, ct) => Task.Delay(Timeout.Infinite, ct));
        await using DBusConnection connection = await ConnectWithShortTimeoutAsync(bus);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            connection.CallAsync("org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "GetUnit", "s", ["crio.service"]));

        // Timers may fire a few milliseconds early relative to the stopwatch.
        Assert.InRange(clock.Elapsed, ShortTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3));
        Assert.Equal("D-Bus call org.freedesktop.systemd1.Manager.GetUnit to org.freedesktop.systemd1 got no reply within 0.3 s", error.Message);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello((stream, ct) => Task.Delay(Timeout.Infinite, ct));
        await using DBusConnection connection = await DBusConnection.ConnectAsync(bus.Address, TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            connection.CallAsync("org.example", "/", "org.example.X", "Y", "", [], cancel.Token));
    }

    [Fact]
    public async Task CallAsync_BusSendsGarbage_FailsAtOnceWithProtocolReason()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello(async (stream, ct) =>
        {
            await ScriptedBus.ReadMessageAsync(stream, ct);
            await ScriptedBus.WriteAsync(stream, "this is not a D-Bus message"u8.ToArray(), ct);
        });
        await using DBusConnection connection = await DBusConnection.ConnectAsync(bus.Address, TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<DBusConnectionException>(() => connection.CallAsync("org.example", "/", "org.example.X", "Y", "", []));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "a broken connection must fail waiting calls at once, not at their timeout");
        Assert.Contains("sent a malformed message", error.Message);
        Assert.Contains("not an endianness mark", error.Message);
    }

    [Fact]
    public async Task CallAsync_BusAnnouncesHugeMessage_IsRefusedBeforeBuffering()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello(async (stream, ct) =>
        {
            DBusMessage call = await ScriptedBus.ReadMessageAsync(stream, ct);
            byte[] reply = ScriptedBus.Reply(call.Serial, "s", "x");
            reply[4] = 0xFF; reply[5] = 0xFF; reply[6] = 0xFF; reply[7] = 0x7F;
            await ScriptedBus.WriteAsync(stream, reply, ct);
        });
        await using DBusConnection connection = await DBusConnection.ConnectAsync(bus.Address, TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<DBusConnectionException>(() => connection.CallAsync("org.example", "/", "org.example.X", "Y", "", []));

        Assert.Contains("exceeds the 1048576-byte limit", error.Message);
    }

    [Fact]
    public async Task CallAsync_BusClosesConnection_FailsWithClosedReason()
    {
        await using ScriptedBus bus = ScriptedBus.AnsweringHello(async (stream, ct) =>
        {
            await ScriptedBus.ReadMessageAsync(stream, ct);
            stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });
        await using DBusConnection connection = await DBusConnection.ConnectAsync(bus.Address, TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<DBusConnectionException>(() => connection.CallAsync("org.example", "/", "org.example.X", "Y", "", []));

        Assert.Contains("closed the connection", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_AuthRejected_ThrowsConnectionException()
    {
        await using ScriptedBus bus = new((stream, ct) => ScriptedBus.ReadUntilAsync(stream, "\r\n", answerAuth: false, ct));

        var error = await Assert.ThrowsAsync<DBusConnectionException>(() => DBusConnection.ConnectAsync(bus.Address, TimeSpan.FromSeconds(30)));

        Assert.Contains("rejected EXTERNAL authentication", error.Message);
    }

    /// <summary>
    /// A connection whose calls time out after <see cref="ShortTimeout"/>. The same bound covers connect, SASL and
    /// Hello, which a loaded two-core CI machine can miss once; the connect is not what these tests check, so it
    /// gets a few attempts (the scripted bus accepts any number of clients).
    /// </summary>
    private static async Task<DBusConnection> ConnectWithShortTimeoutAsync(ScriptedBus bus)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await DBusConnection.ConnectAsync(bus.Address, ShortTimeout);
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }
}
