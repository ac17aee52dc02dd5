namespace EdgeRegistry.Systemd.DBus;

public sealed partial class DBusConnection
{
    internal const string BusName = "org.freedesktop.DBus";
    internal const string BusPath = "/org/freedesktop/DBus";
    internal const string BusInterface = "org.freedesktop.DBus";
    internal const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>
    /// Calls a method and returns its reply (read it with <see cref="DBusMessage.GetBodyReader"/>; check its
    /// <see cref="DBusMessage.Signature"/> or use <see cref="DBusMessage.ExpectSignature"/>). <paramref name="args"/>
    /// hold one value per complete type of <paramref name="signature"/>, shaped as <see cref="DBusVariant"/> describes.
    /// Throws <see cref="DBusErrorException"/> for an error reply, <see cref="TimeoutException"/> after
    /// <see cref="CallTimeout"/>, <see cref="DBusConnectionException"/> when the connection is or becomes broken.
    /// </summary>
    public async Task<DBusMessage> CallAsync(
        string destination, string path, string @interface, string member, string signature, object[] args, CancellationToken ct = default)
    {
        var body = new MessageWriter();
        body.WriteValues(signature, args);
        uint serial = NextSerial();
        var call = new DBusMessage
        {
            Type = DBusMessageType.MethodCall,
            Serial = serial,
            Destination = destination,
            Path = path,
            Interface = @interface,
            Member = member,
            Signature = signature,
            Body = body.ToArray(),
        };
        var waiter = new TaskCompletionSource<DBusMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[serial] = waiter;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(CallTimeout);
        try
        {
            await SendAsync(call, deadline.Token).ConfigureAwait(false);
            DBusMessage reply = await waiter.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            if (reply.Type == DBusMessageType.Error)
            {
                throw new DBusErrorException(reply.ErrorName!, reply.ReadErrorText());
            }
            return reply;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"D-Bus call {@interface}.{member} to {destination} got no reply within {CallTimeout.TotalSeconds:0.###} s");
        }
        finally
        {
            _pending.TryRemove(serial, out _);
        }
    }

    /// <summary>Reads one property with org.freedesktop.DBus.Properties.Get.</summary>
    public async Task<DBusVariant> GetPropertyAsync(string destination, string path, string @interface, string property, CancellationToken ct = default)
    {
        DBusMessage reply = await CallAsync(destination, path, PropertiesInterface, "Get", "ss", [@interface, property], ct).ConfigureAwait(false);
        reply.ExpectSignature("v");
        return reply.GetBodyReader().ReadVariant();
    }

    /// <summary>Reads every property of an interface with org.freedesktop.DBus.Properties.GetAll, in one round trip.</summary>
    public async Task<Dictionary<string, DBusVariant>> GetAllPropertiesAsync(string destination, string path, string @interface, CancellationToken ct = default)
    {
        DBusMessage reply = await CallAsync(destination, path, PropertiesInterface, "GetAll", "s", [@interface], ct).ConfigureAwait(false);
        reply.ExpectSignature("a{sv}");
        return reply.GetBodyReader().ReadStringVariantDictionary();
    }
}
