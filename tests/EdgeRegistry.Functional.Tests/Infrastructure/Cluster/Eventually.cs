using System.Diagnostics;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// Polls a condition until it holds or a deadline passes. Convergence is asynchronous by design, so tests wait
/// for it — bounded, and failing with the last thing that was still wrong rather than a bare timeout.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <param name="check">Returns null when the condition holds, else what is still wrong.</param>
    /// <returns>How long it took.</returns>
    public static async Task<TimeSpan> HoldsAsync(string what, TimeSpan timeout, Func<Task<string?>> check)
    {
        var watch = Stopwatch.StartNew();
        string? problem;
        while (true)
        {
            problem = await check();
            if (problem is null)
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed >= timeout)
            {
                break;
            }

            await Task.Delay(Interval);
        }

        throw new Xunit.Sdk.XunitException($"{what} did not happen within {timeout.TotalSeconds:0} s; still: {problem}");
    }

    public static Task<TimeSpan> HoldsAsync(string what, TimeSpan timeout, Func<string?> check) =>
        HoldsAsync(what, timeout, () => Task.FromResult(check()));
}
