namespace EdgeRegistry.Systemd.DBus;

/// <summary>Object path rules: "/" alone, or "/"-separated non-empty elements of [A-Za-z0-9_] with no trailing "/".</summary>
internal static class DBusObjectPath
{
    public static bool IsValid(string path)
    {
        if (path.Length == 0 || path[0] != '/') return false;
        if (path.Length == 1) return true;
        if (path[^1] == '/') return false;
        char previous = '/';
        for (int i = 1; i < path.Length; i++)
        {
            char c = path[i];
            if (c == '/')
            {
                if (previous == '/') return false;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
            previous = c;
        }
        return true;
    }

    public static void Validate(string path)
    {
        if (!IsValid(path)) DBusProtocolException.Throw($"'{path}' is not a valid D-Bus object path");
    }
}
