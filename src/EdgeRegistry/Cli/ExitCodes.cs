namespace EdgeRegistry.Cli;

/// <summary>Process exit codes: scripts and systemd tell a usage mistake from a runtime failure by these.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed while running (a port in use, a store that cannot be opened, a write error).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: an unknown flag, an invalid setting or config file, an empty password.</summary>
    public const int InvalidInput = 2;
}
