using System.Text;
using Tmds.DBus.Protocol;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// What the fuzzed systemd answers, decoded from the input as a total function (every byte string is some reply):
/// byte 0 holds flags (bit 0: the Service interface is unknown; bit 1: the unit is a socket, so no Service call),
/// then property entries — a key byte (one of the names edgereg reads or a fuzzed name), a type byte, the value's
/// bytes — for the Unit interface until a 0xFF byte, for the Service interface after it. The bus carries only
/// well-formed messages (dbus-daemon validates them), so what varies is what a broken or foreign systemd could say:
/// missing properties, other types, odd strings and numbers.
/// </summary>
internal sealed class SystemdReplyScript
{
    private static readonly string[] Keys =
        ["LoadState", "ActiveState", "SubState", "ActiveEnterTimestamp", "MainPID", "NRestarts", "Id", "Job"];

    public Dictionary<string, VariantValue> Unit { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, VariantValue> Service { get; } = new(StringComparer.Ordinal);

    public bool ServiceUnknown { get; private set; }

    public string UnitName { get; private set; } = "edgereg.service";

    public static SystemdReplyScript Decode(ReadOnlySpan<byte> input)
    {
        var script = new SystemdReplyScript();
        if (input.IsEmpty) return script;
        script.ServiceUnknown = (input[0] & 1) != 0;
        if ((input[0] & 2) != 0) script.UnitName = "edgereg-metrics.socket";
        var properties = script.Unit;
        int at = 1;
        while (at < input.Length)
        {
            byte key = input[at++];
            if (key == 0xFF)
            {
                properties = script.Service;
                continue;
            }
            string name = key < Keys.Length * 16 ? Keys[key % Keys.Length] : Text(input, ref at);
            if (at >= input.Length) break;
            properties[name] = Value(input[at++], input, ref at);
        }
        return script;
    }

    private static VariantValue Value(byte type, ReadOnlySpan<byte> input, ref int at) => (type % 10) switch
    {
        0 or 1 => VariantValue.String(Text(input, ref at)),
        2 => VariantValue.UInt32((uint)Number(input, ref at, 4)),
        3 => VariantValue.UInt64(Number(input, ref at, 8)),
        4 => VariantValue.Int32((int)Number(input, ref at, 4)),
        5 => VariantValue.Bool(Number(input, ref at, 1) != 0),
        6 => VariantValue.Byte((byte)Number(input, ref at, 1)),
        7 => VariantValue.Double(BitConverter.Int64BitsToDouble((long)Number(input, ref at, 8))),
        8 => VariantValue.Array(new[] { Text(input, ref at), Text(input, ref at) }),
        _ => VariantValue.Struct(VariantValue.UInt32((uint)Number(input, ref at, 4)), VariantValue.ObjectPath(new ObjectPath("/"))),
    };

    /// <summary>A length byte, then that many bytes as characters (D-Bus strings are UTF-8 without NUL).</summary>
    private static string Text(ReadOnlySpan<byte> input, ref int at)
    {
        if (at >= input.Length) return "";
        int length = Math.Min(input[at++], input.Length - at);
        var text = new StringBuilder(length);
        foreach (byte b in input.Slice(at, length)) text.Append(b == 0 ? '?' : (char)b);
        at += length;
        return text.ToString();
    }

    private static ulong Number(ReadOnlySpan<byte> input, ref int at, int bytes)
    {
        ulong value = 0;
        for (int i = 0; i < bytes && at < input.Length; i++) value = value << 8 | input[at++];
        return value;
    }
}
