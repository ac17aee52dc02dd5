namespace EdgeRegistry.Logging;

/// <summary>
/// Writes a field value so <c>name=value</c> pairs stay splittable: bare when it has no space, quote, equals
/// sign or control character, otherwise in double quotes with <c>\"</c>, <c>\\</c> and <c>\n</c> escapes (logfmt).
/// </summary>
internal static class FieldText
{
    public static void Write(string value, TextWriter output)
    {
        if (value.Length > 0 && !value.Any(NeedsQuotes))
        {
            output.Write(value);
            return;
        }

        output.Write('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    output.Write("\\\"");
                    break;
                case '\\':
                    output.Write("\\\\");
                    break;
                case '\n':
                    output.Write("\\n");
                    break;
                case '\r':
                    output.Write("\\r");
                    break;
                case '\t':
                    output.Write("\\t");
                    break;
                default:
                    output.Write(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }

        output.Write('"');
    }

    private static bool NeedsQuotes(char c) => c is ' ' or '"' or '=' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c);
}
