using EdgeRegistry.Configuration;
using EdgeRegistry.Scrub;

namespace EdgeRegistry.Host.Tests.Configuration;

/// <summary>`--scrub-rate` and `--scrub-period` through all three sources, and the messages for bad values.</summary>
public sealed class ScrubSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult Resolve(CommandLineSettings commandLine, Dictionary<string, string>? environment = null) =>
        ServeSettingsResolver.Resolve(commandLine with { Root = _temp.File("root") }, name => environment?.GetValueOrDefault(name));

    [Fact]
    public void Resolve_Nothing_TwentyMiBPerSecondOverSevenDays()
    {
        var settings = Resolve(new CommandLineSettings()).Settings!;

        Assert.Equal(20L << 20, settings.Scrub.BytesPerSecond);
        Assert.Equal(TimeSpan.FromDays(7), settings.Scrub.Period);
    }

    [Fact]
    public void Resolve_ConfigFileEnvironmentAndFlag_FlagWins()
    {
        string config = _temp.WriteFile("config.json", """{ "scrubBytesPerSecond": "50M", "scrubPeriod": "14d" }""");

        var fromFile = Resolve(new CommandLineSettings { Config = config }).Settings!;
        var fromEnvironment = Resolve(new CommandLineSettings { Config = config },
            new() { ["EDGEREG_SCRUB_RATE"] = "1048576", ["EDGEREG_SCRUB_PERIOD"] = "0" }).Settings!;
        var fromFlag = Resolve(new CommandLineSettings { Config = config, ScrubRate = "64K", ScrubPeriod = "2h" },
            new() { ["EDGEREG_SCRUB_RATE"] = "1048576" }).Settings!;

        Assert.Equal(50L << 20, fromFile.Scrub.BytesPerSecond);
        Assert.Equal(TimeSpan.FromDays(14), fromFile.Scrub.Period);
        Assert.Equal(1L << 20, fromEnvironment.Scrub.BytesPerSecond);
        Assert.Equal(TimeSpan.Zero, fromEnvironment.Scrub.Period);
        Assert.Equal(64L << 10, fromFlag.Scrub.BytesPerSecond);
        Assert.Equal(TimeSpan.FromHours(2), fromFlag.Scrub.Period);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000")]
    [InlineData("20MB")]
    [InlineData("fast")]
    public void Resolve_BadRate_MessageNamesFlagAndWhatIsExpected(string value)
    {
        var result = Resolve(new CommandLineSettings { ScrubRate = value });

        Assert.Null(result.Settings);
        Assert.Single(result.Errors, e => e.StartsWith($"--scrub-rate \"{value}\": expected bytes per second of at least 65536", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("30m", "a full pass needs at least 1h")]
    [InlineData("weekly", "expected a duration")]
    public void Resolve_BadPeriod_MessageNamesTheConfigKey(string value, string expected)
    {
        string config = _temp.WriteFile("config.json", $$"""{ "scrubPeriod": "{{value}}" }""");

        var result = Resolve(new CommandLineSettings { Config = config });

        Assert.Null(result.Settings);
        Assert.Single(result.Errors, e => e.Contains("scrubPeriod", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }
}
