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

    /// <summary>The address to listen on: another loopback address (127.0.0.2) or a test namespace's address.</summary>
    public string ListenHost { get; init; } = "127.0.0.1";

    /// <summary>A fixed port (cluster members share one); a free loopback port when null.</summary>
    public int? Port { get; init; }

    /// <summary>Further `serve` arguments (e.g. --member, --cluster-secret-file).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Serves TLS with this certificate and key (--tls-cert, --tls-key); the server's address becomes https.</summary>
    public TestCertificates? Tls { get; init; }

    /// <summary>A command the binary is run through, e.g. ["ip", "netns", "exec", "NS"] (it execs, keeping the pid).</summary>
    public IReadOnlyList<string> LaunchPrefix { get; init; } = [];
}
