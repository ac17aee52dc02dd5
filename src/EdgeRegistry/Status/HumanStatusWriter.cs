namespace EdgeRegistry.Status;

/// <summary>
/// The human form of `edgereg status`: the verdict alone on the first line, then one aligned line per concern
/// (concern, state, details). Colour (ANSI) only when asked for: standard output is a terminal and NO_COLOR is unset.
/// </summary>
internal static class HumanStatusWriter
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Red = "\u001b[31m";
    private const string Dim = "\u001b[2m";

    public static void Write(TextWriter output, StatusVerdict verdict, IReadOnlyList<StatusRow> rows, bool colour)
    {
        var word = verdict.ToString().ToUpperInvariant();
        output.WriteLine(colour ? $"{Bold}{VerdictColour(verdict)}{word}{Reset}" : word);
        var concernWidth = rows.Max(row => row.Concern.Length);
        var stateWidth = rows.Max(row => row.State.Length);
        foreach (var row in rows)
        {
            var state = row.State.PadRight(stateWidth);
            if (colour)
            {
                state = $"{SeverityColour(row.Severity)}{state}{Reset}";
            }

            output.WriteLine($"{row.Concern.PadRight(concernWidth)}  {state}  {row.Detail}");
        }
    }

    private static string VerdictColour(StatusVerdict verdict) => verdict switch
    {
        StatusVerdict.Healthy => Green,
        StatusVerdict.Degraded => Yellow,
        _ => Red,
    };

    private static string SeverityColour(RowSeverity severity) => severity switch
    {
        RowSeverity.Ok => Green,
        RowSeverity.Warning => Yellow,
        RowSeverity.Failure => Red,
        _ => Dim,
    };
}
