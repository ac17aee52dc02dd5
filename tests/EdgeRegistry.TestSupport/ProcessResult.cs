namespace EdgeRegistry.TestSupport;

/// <summary>The outcome of a finished child process.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Everything the command printed, stdout then stderr, trimmed: for short outputs such as a digest.</summary>
    public string Output => (StandardOutput + StandardError).Trim();

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
