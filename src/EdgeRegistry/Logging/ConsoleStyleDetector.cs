namespace EdgeRegistry.Logging;

/// <summary>
/// Picks the <see cref="ConsoleStyle"/> for this process. systemd sets <c>JOURNAL_STREAM=DEV:INODE</c> when it
/// connects standard output to the journal; the variable is inherited by children whose output goes elsewhere
/// (<c>edgereg serve &gt; file</c> from a shell inside a unit), so the inode is compared with standard output's.
/// </summary>
internal static class ConsoleStyleDetector
{
    public const string JournalStreamVariable = "JOURNAL_STREAM";

    /// <summary>Where file descriptor 1 points: <c>socket:[12345]</c> for journald's stream socket.</summary>
    private const string StandardOutputLink = "/proc/self/fd/1";

    public static ConsoleStyle FromEnvironment() => Detect(
        Environment.GetEnvironmentVariable,
        StandardOutputTarget,
        outputRedirected: Console.IsOutputRedirected);

    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="standardOutputTarget">What standard output is (<c>socket:[INODE]</c>, <c>pipe:[INODE]</c>, a path), or null when unknown.</param>
    /// <param name="outputRedirected">Whether standard output is something other than a terminal.</param>
    public static ConsoleStyle Detect(Func<string, string?> environment, Func<string?> standardOutputTarget, bool outputRedirected)
    {
        if (IsJournal(environment(JournalStreamVariable), standardOutputTarget))
        {
            return ConsoleStyle.Journal;
        }

        // https://no-color.org: any value, even empty, turns colour off.
        return outputRedirected || environment("NO_COLOR") is not null ? ConsoleStyle.Plain : ConsoleStyle.Terminal;
    }

    private static bool IsJournal(string? journalStream, Func<string?> standardOutputTarget)
    {
        if (string.IsNullOrWhiteSpace(journalStream))
        {
            return false;
        }

        var colon = journalStream.IndexOf(':', StringComparison.Ordinal);
        var inode = colon > 0 ? journalStream[(colon + 1)..].Trim() : "";
        if (inode.Length == 0 || !inode.All(char.IsAsciiDigit))
        {
            return false;
        }

        // Without /proc (unusual for a systemd host) the variable is all there is to go on.
        return standardOutputTarget() is not { } target || target.EndsWith($":[{inode}]", StringComparison.Ordinal);
    }

    private static string? StandardOutputTarget()
    {
        try
        {
            return new FileInfo(StandardOutputLink).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
