using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeRegistry.Configuration;

/// <summary>
/// A config file's JSON syntax error as a sentence with its line and column. System.Text.Json's own message is
/// no help to an operator in the AOT binary (it is a resource key such as <c>ZeroDepthAtEnd</c> and a 0-based
/// position), so the problem is worked out from where the reader stopped: the end of the file (truncated, or a
/// bracket never closed), an empty file, or the character that does not belong there.
/// </summary>
internal static class JsonSyntaxProblem
{
    public static string Describe(string path, ReadOnlySpan<byte> bytes, JsonException error)
    {
        int line = (int)(error.LineNumber ?? 0);
        int column = (int)(error.BytePositionInLine ?? 0);
        var where = string.Create(CultureInfo.InvariantCulture, $"{path}: line {line + 1}, column {column + 1}");
        if (IsBlank(bytes))
        {
            return $"{path}: the config file is empty; write {{}} for a file with no settings";
        }

        int offset = Offset(bytes, line, column);
        if (offset >= bytes.Length || IsBlank(bytes[offset..]))
        {
            return $"{where}: invalid JSON: the file ends before the JSON is complete (truncated, or a bracket or quote is not closed)";
        }

        var rune = Rune.DecodeFromUtf8(bytes[offset..], out var found, out _) == System.Buffers.OperationStatus.Done ? found.ToString() : "?";
        return $"{where}: invalid JSON: unexpected '{rune}' (a missing comma, quote or colon before it?)";
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    /// <summary>The byte offset of a 0-based line and byte column, as the reader counts them (lines end at LF).</summary>
    private static int Offset(ReadOnlySpan<byte> bytes, int line, int column)
    {
        int offset = 0;
        for (int i = 0; i < line; i++)
        {
            int newline = bytes[offset..].IndexOf((byte)'\n');
            if (newline < 0) return bytes.Length;
            offset += newline + 1;
        }

        return Math.Min(bytes.Length, offset + column);
    }
}
