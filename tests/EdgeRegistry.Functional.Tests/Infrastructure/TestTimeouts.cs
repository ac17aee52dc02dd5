namespace EdgeRegistry.Functional.Tests.Infrastructure;

/// <summary>
/// Every wait in this tier is bounded. The values leave room for a loaded 2-core CI machine while keeping
/// the whole suite well under its 30-minute budget when something hangs.
/// </summary>
internal static class TestTimeouts
{
    /// <summary>How long a server gets to answer GET /v2/ after start.</summary>
    public static readonly TimeSpan ServerStart = TimeSpan.FromSeconds(20);

    /// <summary>One skopeo/podman invocation on small test images.</summary>
    public static readonly TimeSpan ClientCommand = TimeSpan.FromSeconds(120);

    /// <summary>A short helper command (edgereg user add, kill, podman version).</summary>
    public static readonly TimeSpan ShortCommand = TimeSpan.FromSeconds(30);

    /// <summary>One raw HTTP request.</summary>
    public static readonly TimeSpan HttpRequest = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for a whole ordinary test ([Fact(Timeout)] in milliseconds).</summary>
    public const int TestMs = 5 * 60 * 1000;

    /// <summary>Upper bound for the crash test.</summary>
    public const int CrashTestMs = 10 * 60 * 1000;
}
