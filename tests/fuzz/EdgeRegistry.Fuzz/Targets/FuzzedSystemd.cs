using Tmds.DBus.Protocol;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// Owns org.freedesktop.systemd1 on a private bus and answers edgereg's three calls from the current
/// <see cref="SystemdReplyScript"/>: GetUnit and LoadUnit with the unit's object path, Properties.GetAll with the
/// script's properties (or UnknownInterface for a Service interface the script says is missing).
/// </summary>
internal sealed class FuzzedSystemd : IPathMethodHandler
{
    private volatile SystemdReplyScript _script = SystemdReplyScript.Decode([]);

    public string Path => "/org/freedesktop/systemd1";

    public bool HandlesChildPaths => true;

    public SystemdReplyScript Script
    {
        get => _script;
        set => _script = value;
    }

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        var script = _script;
        Message call = context.Request;
        if (call.InterfaceAsString == "org.freedesktop.systemd1.Manager")
        {
            using MessageWriter path = context.CreateReplyWriter("o");
            path.WriteObjectPath(Path + "/unit/fuzzed");
            context.Reply(path.CreateMessage());
            return ValueTask.CompletedTask;
        }

        string @interface = call.GetBodyReader().ReadString();
        var properties = @interface == "org.freedesktop.systemd1.Service" ? script.Service : script.Unit;
        if (@interface == "org.freedesktop.systemd1.Service" && script.ServiceUnknown)
        {
            context.ReplyError("org.freedesktop.DBus.Error.UnknownInterface", $"Unknown interface {@interface}.");
            return ValueTask.CompletedTask;
        }

        using MessageWriter writer = context.CreateReplyWriter("a{sv}");
        ArrayStart start = writer.WriteDictionaryStart();
        foreach ((string key, VariantValue value) in properties)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(key);
            writer.WriteVariant(value);
        }
        writer.WriteDictionaryEnd(start);
        context.Reply(writer.CreateMessage());
        return ValueTask.CompletedTask;
    }
}
