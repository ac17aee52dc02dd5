namespace EdgeRegistry.Mirrors.Yaml;

/// <summary>Splits <c>key: value</c> (plain or quoted key) at the first ": " or a trailing ':'.</summary>
internal static class KeySplitter
{
    public static bool TrySplit(YamlLine line, out string key, out string value)
    {
        var text = line.Text;
        key = string.Empty;
        value = string.Empty;
        int colon;
        if (text[0] is '"' or '\'')
        {
            var close = ClosingQuote(text);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return false;
            }

            key = ((YamlScalar)ScalarReader.Read(text[..(close + 1)], line.Number)).Value;
            colon = close + 1;
        }
        else
        {
            colon = FindKeyColon(text);
            if (colon <= 0)
            {
                return false;
            }

            key = text[..colon].TrimEnd(' ');
            if (key[0] is '{' or '[' or '&' or '*' or '!' or '|' or '>' or '?')
            {
                throw new YamlSubsetException(line.Number, $"unsupported YAML key syntax '{key}'");
            }
        }

        if (colon + 1 < text.Length && text[colon + 1] != ' ')
        {
            return false;
        }

        value = text[(colon + 1)..].Trim(' ');
        return true;
    }

    private static int FindKeyColon(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' '))
            {
                return i;
            }
        }

        return -1;
    }

    private static int ClosingQuote(string text)
    {
        var quote = text[0];
        for (var i = 1; i < text.Length; i++)
        {
            if (quote == '"' && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }
}
