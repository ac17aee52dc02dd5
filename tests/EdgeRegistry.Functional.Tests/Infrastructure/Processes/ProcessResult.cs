namespace EdgeRegistry.Functional.Tests.Infrastructure.Processes;

/// <summary>The outcome of a finished child process.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        $"`{Command}` exited {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";

    /// <summary>Fails the test with the command's full output unless it exited 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new Xunit.Sdk.XunitException(Describe());
        }

        return this;
    }
}
