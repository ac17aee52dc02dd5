using System.Diagnostics;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>Runs an external tool to completion within a bounded time and captures what it printed.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public string Combined => (Output + Error).Trim();

    public static ToolRun Execute(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {timeout}");
        }

        return new ToolRun(process.ExitCode, output.Result, error.Result);
    }

    // Tools installed by tests/run-tests.sh; a missing one is a broken environment, not a reason to pass.
    public static string Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: install the Debian package '{package}' (tests/run-tests.sh does)");
        }

        return path;
    }
}
