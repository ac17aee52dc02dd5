using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Podman;

/// <summary>
/// A fact that is skipped, with the reason, only when podman itself cannot run on this machine (xunit 2
/// decides skips at discovery). Verified to run on the project's machine kind as root with a vfs store.
/// </summary>
internal sealed class PodmanFactAttribute : FactAttribute
{
    public PodmanFactAttribute()
    {
        Timeout = TestTimeouts.TestMs;
        var reason = WhyPodmanCannotRun();
        if (reason is not null)
        {
            Skip = reason;
        }
    }

    private static string? WhyPodmanCannotRun()
    {
        if (!File.Exists(Infrastructure.Clients.Podman.BinaryPath))
        {
            return $"{Infrastructure.Clients.Podman.BinaryPath} is not installed (tests/run-tests.sh installs it)";
        }

        try
        {
            var result = ProcessRunner.RunAsync(Infrastructure.Clients.Podman.BinaryPath, ["--version"], TestTimeouts.ShortCommand)
                .GetAwaiter().GetResult();
            return result.Succeeded ? null : $"podman cannot run here: {result.Describe()}";
        }
        catch (Exception failure) when (failure is TimeoutException or System.ComponentModel.Win32Exception)
        {
            return $"podman cannot run here: {failure.Message}";
        }
    }
}
