namespace EdgeRegistry.Logging;

/// <summary>How log events are written to standard output, chosen by where standard output goes.</summary>
internal enum ConsoleStyle
{
    /// <summary>A person is watching: short time, coloured level.</summary>
    Terminal,

    /// <summary>A file, a pipe or CI: full timestamp, no escape codes.</summary>
    Plain,

    /// <summary>systemd's journal: a syslog priority prefix, no timestamp (journald adds one), fields as text.</summary>
    Journal,
}
