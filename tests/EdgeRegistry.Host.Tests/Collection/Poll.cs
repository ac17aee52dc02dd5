namespace EdgeRegistry.Host.Tests.Collection;

/// <summary>Waits for replication between in-process nodes: polls a condition every 100 ms for at most a minute.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what()}");
            await Task.Delay(100);
        }
    }
}
