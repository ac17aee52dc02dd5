using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// A fact that is skipped, with the reason, only when `ip netns add` fails here (not root, no iproute2): xunit 2
/// decides skips at discovery, so the probe creates and deletes a throw-away namespace then. CI runs as root.
/// </summary>
internal sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        Timeout = TestTimeouts.TestMs;
        var reason = WhyNamespacesCannotBeCreated();
        if (reason is not null)
        {
            Skip = reason;
        }
    }

    private static string? WhyNamespacesCannotBeCreated()
    {
        var probe = $"edgereg-probe-{Environment.ProcessId}";
        try
        {
            var added = ProcessRunner.RunAsync("ip", ["netns", "add", probe], TestTimeouts.ShortCommand).GetAwaiter().GetResult();
            if (!added.Succeeded)
            {
                return $"`ip netns add` fails here (the partition test needs root): {added.StandardError.Trim()}";
            }

            ProcessRunner.RunAsync("ip", ["netns", "del", probe], TestTimeouts.ShortCommand).GetAwaiter().GetResult();
            return null;
        }
        catch (Exception failure) when (failure is TimeoutException or System.ComponentModel.Win32Exception)
        {
            return $"`ip netns add` cannot run here: {failure.Message}";
        }
    }
}
