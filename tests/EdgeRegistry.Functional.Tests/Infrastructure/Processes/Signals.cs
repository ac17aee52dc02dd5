namespace EdgeRegistry.Functional.Tests.Infrastructure.Processes;

/// <summary>
/// SIGTERM for a graceful stop. .NET's Process.Kill only sends SIGKILL, so the shell's kill is used
/// rather than a P/Invoke.
/// </summary>
internal static class Signals
{
    public static async Task TerminateAsync(int pid) =>
        await ProcessRunner.RunAsync("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TestTimeouts.ShortCommand);
}
