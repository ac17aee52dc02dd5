using Tmds.DBus.Protocol;

namespace EdgeRegistry.Systemd.Units;

public sealed partial class SystemdUnits
{
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>
    /// Connects to <paramref name="address"/>, or to the system bus (<c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the
    /// well-known socket). <paramref name="timeout"/> bounds the whole of connect, authentication and Hello, and is
    /// also the bound on each call afterwards. Throws <see cref="DBusConnectionException"/> when the bus cannot be
    /// reached or refuses us, <see cref="TimeoutException"/> when it does not finish in time.
    /// </summary>
    public static async Task<SystemdUnits> ConnectAsync(string? address = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        address ??= DBusAddress.System ?? DefaultSystemBusAddress;
        TimeSpan bound = timeout ?? DefaultTimeout;
        // Tmds.DBus.Protocol's ConnectAsync takes no token: the bound is applied from outside, and disposing the
        // connection is what ends a connect, authentication or Hello that is still waiting on the bus.
        var connection = new DBusConnection(address);
        Task connecting = connection.ConnectAsync().AsTask();
        try
        {
            await connecting.WaitAsync(bound, ct).ConfigureAwait(false);
            return new SystemdUnits(connection, address, bound);
        }
        catch (TimeoutException)
        {
            Abandon(connection, connecting);
            throw new TimeoutException($"D-Bus at {address} did not complete connect, authentication and Hello within {Seconds(bound)} s");
        }
        catch (OperationCanceledException)
        {
            Abandon(connection, connecting);
            throw;
        }
        catch (Exception e)
        {
            connection.Dispose();
            throw new DBusConnectFailedException($"cannot connect to D-Bus: {address}: {Reason(e)}", e);
        }
    }

    /// <summary>Manager.GetUnit or LoadUnit: the unit's object path.</summary>
    private Task<string> CallManagerForPathAsync(string member, string unitName, CancellationToken ct)
    {
        MessageBuffer message;
        using (MessageWriter writer = _connection.GetMessageWriter())
        {
            writer.WriteMethodCallHeader(SystemdNames.Destination, SystemdNames.ManagerPath, SystemdNames.ManagerInterface, member, "s");
            writer.WriteString(unitName);
            message = writer.CreateMessage();
        }
        return BoundedAsync(_connection.CallMethodAsync(message, static (reply, _) => ReadObjectPath(reply)),
            $"{SystemdNames.ManagerInterface}.{member}", ct);
    }

    /// <summary>Every property of an interface with org.freedesktop.DBus.Properties.GetAll, in one round trip.</summary>
    private Task<Dictionary<string, VariantValue>> GetAllPropertiesAsync(string path, string @interface, CancellationToken ct)
    {
        MessageBuffer message;
        using (MessageWriter writer = _connection.GetMessageWriter())
        {
            writer.WriteMethodCallHeader(SystemdNames.Destination, path, PropertiesInterface, "GetAll", "s");
            writer.WriteString(@interface);
            message = writer.CreateMessage();
        }
        return BoundedAsync(_connection.CallMethodAsync(message, static (reply, _) => ReadProperties(reply)),
            $"{PropertiesInterface}.GetAll", ct);
    }

    private static string ReadObjectPath(Message reply)
    {
        ExpectSignature(reply, "o");
        return reply.GetBodyReader().ReadObjectPathAsString();
    }

    private static Dictionary<string, VariantValue> ReadProperties(Message reply)
    {
        ExpectSignature(reply, "a{sv}");
        return reply.GetBodyReader().ReadDictionaryOfStringToVariantValue();
    }

    /// <summary>The reader reads what it is told to; the signature is what says the body holds that.</summary>
    private static void ExpectSignature(Message reply, string expected)
    {
        string actual = reply.SignatureAsString ?? "";
        if (actual != expected)
        {
            throw new DBusReadException($"expected a reply of signature '{expected}' from systemd, got '{actual}'");
        }
    }

    /// <summary>
    /// Waits for <paramref name="call"/> at most <see cref="Timeout"/>. A call the bus never answers would stay pending
    /// inside the connection, so a timeout closes the connection: the reading ends at the first timeout anyway.
    /// </summary>
    private async Task<T> BoundedAsync<T>(Task<T> call, string method, CancellationToken ct)
    {
        try
        {
            return await call.WaitAsync(Timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abandon(_connection, call);
            throw new TimeoutException($"D-Bus call {method} to {SystemdNames.Destination} got no reply within {Seconds(Timeout)} s");
        }
        catch (OperationCanceledException)
        {
            // The caller gave up; the call may still be answered or fail later, with nobody left to look.
            Observe(call);
            throw;
        }
        catch (DBusConnectionException e)
        {
            throw new DBusConnectionClosedException($"the D-Bus connection to {Address} broke during {method}: {Reason(e)}", e);
        }
    }

    /// <summary>Closes a connection whose operation is no longer awaited, and observes that operation's failure.</summary>
    private static void Abandon(DBusConnection connection, Task operation)
    {
        connection.Dispose();
        Observe(operation);
    }

    /// <summary>Marks a failure nobody awaits any more as seen, so it does not surface as an unobserved task exception.</summary>
    private static void Observe(Task operation) =>
        _ = operation.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Trouble with the bus itself, as opposed to an error systemd answered about one unit.</summary>
    private static bool IsBusTrouble(Exception e) =>
        e is DBusConnectionException or DBusReadException or TimeoutException or ObjectDisposedException
            || (e is DBusErrorReplyException reply && SystemdNames.MeansNoSystemd(reply.ErrorName));

    private static string Describe(DBusErrorReplyException e) =>
        string.IsNullOrEmpty(e.ErrorMessage) ? e.ErrorName : $"{e.ErrorName}: {e.ErrorMessage}";

    /// <summary>
    /// The library wraps what went wrong (a socket error, a refused authentication, a closed connection); the
    /// innermost exception names the cause. Its reader refuses a message of an unknown protocol version or header
    /// field with a bare <see cref="NotSupportedException"/>, whose message would say nothing here.
    /// </summary>
    private static string Reason(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e is NotSupportedException ? "the bus sent something that is not a D-Bus message" : e.Message;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
