using EdgeRegistry.Systemd.Notify;

namespace EdgeRegistry.Systemd.Tests.Notify;

public sealed class WatchdogSettingsTests
{
    [Fact]
    public void Parse_UsecWithoutPid_PingsAtHalfTheTimeout()
    {
        var settings = WatchdogSettings.Parse("30000000", null, currentPid: 42);

        Assert.NotNull(settings);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.PingInterval);
    }

    [Fact]
    public void Parse_PidOfThisProcess_IsEnabled() =>
        Assert.NotNull(WatchdogSettings.Parse("1000000", "42", currentPid: 42));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("abc", null)]
    [InlineData("1000000", "43")]
    [InlineData("1000000", "not-a-pid")]
    public void Parse_DisabledOrForAnotherProcess_ReturnsNull(string? usec, string? pid) =>
        Assert.Null(WatchdogSettings.Parse(usec, pid, currentPid: 42));
}
