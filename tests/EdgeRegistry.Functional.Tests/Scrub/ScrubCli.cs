using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

namespace EdgeRegistry.Functional.Tests.Scrub;

/// <summary>`edgereg scrub` run as an operator runs it, against one agent's status socket; its JSON report read back.</summary>
internal static class ScrubCli
{
    /// <summary>Runs `edgereg scrub --json` (with `--now` when asked) and returns the report.</summary>
    public static async Task<JsonElement> RunAsync(string socket, bool now = false)
    {
        string[] arguments = now ? ["scrub", "--now", "--json", "--status-socket", socket] : ["scrub", "--json", "--status-socket", socket];
        var result = await ProcessRunner.RunAsync(EdgeregBinary.Path, arguments, TestTimeouts.ShortCommand);
        Assert.True(result.Succeeded, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.Clone();
    }

    /// <summary>Waits (bounded) until the agent reports a full pass ended after <paramref name="after"/> and nothing is being repaired.</summary>
    public static async Task<JsonElement> AwaitPassEndedAsync(string socket, DateTimeOffset after, TimeSpan timeout, Func<JsonElement, string?>? also = null)
    {
        JsonElement last = default;
        await Eventually.HoldsAsync($"a scrub pass ended on {socket}", timeout, async () =>
        {
            last = await RunAsync(socket);
            if (last.GetProperty("running").GetBoolean()) return $"still running: {last}";
            if (last.GetProperty("lastPassEnded").ValueKind != JsonValueKind.String
                || last.GetProperty("lastPassEnded").GetDateTimeOffset() < after) return $"no pass ended yet: {last}";
            return also?.Invoke(last);
        });
        return last;
    }

    public static long Long(this JsonElement report, string name) => report.GetProperty(name).GetInt64();
}
