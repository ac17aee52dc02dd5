namespace EdgeRegistry.Systemd.DBus;

/// <summary>
/// Type signatures as the specification defines them: at most 255 bytes, complete types only, dict entries only as
/// array elements with a basic key, no empty structs, at most 32 nested arrays and 32 nested structs.
/// Unix file descriptors ('h') are refused: this client never passes them.
/// </summary>
internal static class DBusSignature
{
    public const int MaxLength = 255;
    private const int MaxDepthPerContainerKind = 32;

    /// <summary>Throws unless <paramref name="signature"/> is a sequence of zero or more complete types.</summary>
    public static void Validate(string signature)
    {
        if (signature.Length > MaxLength)
        {
            DBusProtocolException.Throw($"signature is {signature.Length} characters long, the limit is {MaxLength}");
        }
        int position = 0;
        while (position < signature.Length) position = SkipCompleteType(signature, position, 0, 0);
    }

    /// <summary>Throws unless <paramref name="signature"/> is exactly one complete type, as a variant carries.</summary>
    public static void ValidateSingle(string signature)
    {
        Validate(signature);
        if (signature.Length == 0 || SkipCompleteType(signature, 0, 0, 0) != signature.Length)
        {
            DBusProtocolException.Throw($"signature '{signature}' is not a single complete type");
        }
    }

    /// <summary>Splits a validated signature into its complete types ("sa{sv}u" → "s", "a{sv}", "u").</summary>
    public static List<string> SplitCompleteTypes(string signature)
    {
        Validate(signature);
        var types = new List<string>();
        int position = 0;
        while (position < signature.Length)
        {
            int end = SkipCompleteType(signature, position, 0, 0);
            types.Add(signature[position..end]);
            position = end;
        }
        return types;
    }

    /// <summary>The index just past the complete type starting at <paramref name="start"/>.</summary>
    public static int SkipCompleteType(string signature, int start, int arrayDepth, int structDepth)
    {
        if (start >= signature.Length) DBusProtocolException.Throw($"signature '{signature}' ends where a type is expected");
        char code = signature[start];
        if (IsBasic(code) || code == 'v') return start + 1;
        return code switch
        {
            'a' => SkipArray(signature, start, arrayDepth + 1, structDepth),
            '(' => SkipStruct(signature, start, arrayDepth, structDepth + 1),
            'h' => throw new DBusProtocolException($"signature '{signature}' passes unix file descriptors, which this client does not support"),
            _ => throw new DBusProtocolException($"signature '{signature}' has an unexpected '{code}' at position {start}"),
        };
    }

    public static bool IsBasic(char code) => code is 'y' or 'b' or 'n' or 'q' or 'i' or 'u' or 'x' or 't' or 'd' or 's' or 'o' or 'g';

    /// <summary>The alignment, in bytes, of a value whose type starts with <paramref name="code"/>.</summary>
    public static int Alignment(char code) => code switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 's' or 'o' or 'a' => 4,
        'x' or 't' or 'd' or '(' or '{' => 8,
        _ => throw new DBusProtocolException($"'{code}' is not a D-Bus type code"),
    };

    private static int SkipArray(string signature, int start, int arrayDepth, int structDepth)
    {
        if (arrayDepth > MaxDepthPerContainerKind) DBusProtocolException.Throw($"signature '{signature}' nests arrays deeper than {MaxDepthPerContainerKind}");
        int element = start + 1;
        if (element < signature.Length && signature[element] == '{') return SkipDictEntry(signature, element, arrayDepth, structDepth + 1);
        return SkipCompleteType(signature, element, arrayDepth, structDepth);
    }

    private static int SkipDictEntry(string signature, int open, int arrayDepth, int structDepth)
    {
        if (structDepth > MaxDepthPerContainerKind) DBusProtocolException.Throw($"signature '{signature}' nests structs deeper than {MaxDepthPerContainerKind}");
        int key = open + 1;
        if (key >= signature.Length || !IsBasic(signature[key]))
        {
            DBusProtocolException.Throw($"signature '{signature}' has a dict entry whose key is not a basic type");
        }
        int valueEnd = SkipCompleteType(signature, key + 1, arrayDepth, structDepth);
        if (valueEnd >= signature.Length || signature[valueEnd] != '}')
        {
            DBusProtocolException.Throw($"signature '{signature}' has a dict entry that is not exactly a key and a value");
        }
        return valueEnd + 1;
    }

    private static int SkipStruct(string signature, int open, int arrayDepth, int structDepth)
    {
        if (structDepth > MaxDepthPerContainerKind) DBusProtocolException.Throw($"signature '{signature}' nests structs deeper than {MaxDepthPerContainerKind}");
        int position = open + 1;
        if (position < signature.Length && signature[position] == ')') DBusProtocolException.Throw($"signature '{signature}' has an empty struct");
        while (true)
        {
            if (position >= signature.Length) DBusProtocolException.Throw($"signature '{signature}' has an unclosed struct");
            if (signature[position] == ')') return position + 1;
            position = SkipCompleteType(signature, position, arrayDepth, structDepth);
        }
    }
}
