namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>How one edgereg server under test is started.</summary>
internal sealed record EdgeregOptions(string Root)
{
    /// <summary>Passes --anonymous-writes (the default here: most tests are about the API, not access control).</summary>
    public bool AnonymousWrites { get; init; } = true;

    /// <summary>Passes --credentials-file when set.</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>Extra environment variables for the server process (e.g. NOTIFY_SOCKET, WATCHDOG_USEC).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
