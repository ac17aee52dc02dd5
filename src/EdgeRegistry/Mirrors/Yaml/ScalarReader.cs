using System.Globalization;
using System.Text;

namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>Reads a one-line value: a plain, single-quoted or double-quoted scalar, or an empty <c>{}</c>/<c>[]</c>.</summary>
internal static class ScalarReader
{
    public static YamlNode Read(string text, int line)
    {
        switch (text[0])
        {
            case '"':
                return new YamlScalar(line, DoubleQuoted(text, line), Quoted: true);
            case '\'':
                return new YamlScalar(line, SingleQuoted(text, line), Quoted: true);
            case '{' when text == "{}":
                return new YamlMapping(line, []);
            case '[' when text == "[]":
                return new YamlSequence(line, []);
            case '{' or '[':
                throw new YamlSubsetException(line, "flow collections ({...}, [...]) are not supported; write block style");
            case '|' or '>':
                throw new YamlSubsetException(line, "block scalars (| and >) are not supported");
            case '&' or '*':
                throw new YamlSubsetException(line, "anchors and aliases (& and *) are not supported");
            case '!':
                throw new YamlSubsetException(line, "tags (!) are not supported");
            case '@' or '`' or '%':
                throw new YamlSubsetException(line, $"a plain scalar cannot start with '{text[0]}'; quote it");
        }

        if (text.Contains(": ", StringComparison.Ordinal) || text.EndsWith(':'))
        {
            throw new YamlSubsetException(line, "a mapping value is not allowed here (quote a value containing ': ')");
        }

        return new YamlScalar(line, text, Quoted: false);
    }

    private static string SingleQuoted(string text, int line)
    {
        if (text.Length < 2 || text[^1] != '\'')
        {
            throw new YamlSubsetException(line, "text after a quoted scalar");
        }

        var inner = text[1..^1];
        if (inner.Replace("''", string.Empty, StringComparison.Ordinal).Contains('\''))
        {
            throw new YamlSubsetException(line, "text after a quoted scalar");
        }

        return inner.Replace("''", "'", StringComparison.Ordinal);
    }

    private static string DoubleQuoted(string text, int line)
    {
        var value = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                if (i != text.Length - 1)
                {
                    throw new YamlSubsetException(line, "text after a quoted scalar");
                }

                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (++i >= text.Length)
            {
                break;
            }

            switch (text[i])
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '/': value.Append('/'); break;
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case '0': value.Append('\0'); break;
                case 'x': value.Append(Hex(text, ref i, 2, line)); break;
                case 'u': value.Append(Hex(text, ref i, 4, line)); break;
                default: throw new YamlSubsetException(line, $"unsupported escape '\\{text[i]}' in a double-quoted scalar");
            }
        }

        throw new YamlSubsetException(line, "unterminated quoted scalar (multi-line scalars are not supported)");
    }

    private static char Hex(string text, ref int index, int digits, int line)
    {
        if (index + digits >= text.Length
            || !int.TryParse(text.AsSpan(index + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw new YamlSubsetException(line, "malformed hexadecimal escape in a double-quoted scalar");
        }

        index += digits;
        return (char)code;
    }
}
