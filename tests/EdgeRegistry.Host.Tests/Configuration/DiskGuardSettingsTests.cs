using EdgeRegistry.Configuration;
using EdgeRegistry.Storage.Capacity;

namespace EdgeRegistry.Host.Tests.Configuration;

/// <summary>`--min-free` and `--max-store-bytes` through all three sources, and the messages for bad values.</summary>
public sealed class DiskGuardSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult Resolve(CommandLineSettings commandLine, Dictionary<string, string>? environment = null) =>
        ServeSettingsResolver.Resolve(commandLine with { Root = _temp.File("root") }, name => environment?.GetValueOrDefault(name));

    [Fact]
    public void Resolve_Nothing_FifteenPercentAndNoStoreCap()
    {
        var settings = Resolve(new CommandLineSettings()).Settings!;

        Assert.Equal(SpaceLimit.OfPercent(15), settings.MinFree);
        Assert.Null(settings.MaxStoreBytes);
        Assert.Equal(15L * 1000, settings.MinFree.Resolve(100_000));
    }

    [Fact]
    public void Resolve_ConfigFileEnvironmentAndFlag_FlagWinsUnitsAreBinary()
    {
        string config = _temp.WriteFile("config.json", """{ "minFree": "20%", "maxStoreBytes": "200G" }""");

        var fromFile = Resolve(new CommandLineSettings { Config = config }).Settings!;
        var fromEnvironment = Resolve(new CommandLineSettings { Config = config },
            new() { ["EDGEREG_MIN_FREE"] = "10GiB", ["EDGEREG_MAX_STORE_BYTES"] = "1073741824" }).Settings!;
        var fromFlag = Resolve(new CommandLineSettings { Config = config, MinFree = "0" },
            new() { ["EDGEREG_MIN_FREE"] = "10GiB" }).Settings!;

        Assert.Equal(SpaceLimit.OfPercent(20), fromFile.MinFree);
        Assert.Equal(200L << 30, fromFile.MaxStoreBytes);
        Assert.Equal(SpaceLimit.OfBytes(10L << 30), fromEnvironment.MinFree);
        Assert.Equal(1L << 30, fromEnvironment.MaxStoreBytes);
        Assert.Equal(SpaceLimit.OfBytes(0), fromFlag.MinFree);
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("-5%")]
    [InlineData("10GB")]
    [InlineData("lots")]
    public void Resolve_BadMinFree_MessageNamesFlagAndWhatIsExpected(string value)
    {
        var result = Resolve(new CommandLineSettings { MinFree = value });

        Assert.Null(result.Settings);
        Assert.Single(result.Errors, e => e.StartsWith($"--min-free \"{value}\": expected a percentage", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_ZeroMaxStoreBytes_MessageNamesEnvironmentVariable()
    {
        var result = Resolve(new CommandLineSettings(), new() { ["EDGEREG_MAX_STORE_BYTES"] = "0" });

        Assert.Single(result.Errors, e => e.StartsWith("EDGEREG_MAX_STORE_BYTES \"0\": expected a size above 0", StringComparison.Ordinal));
    }

    /// <summary>`import` with the agent stopped keeps to the limits `serve` would have, from the same sources.</summary>
    [Fact]
    public void StatusTargets_ConfigFileAndEnvironment_SameLimitsAsServe()
    {
        string config = _temp.WriteFile("targets.json", """{ "minFree": "20%", "maxStoreBytes": "200G" }""");
        var errors = new List<string>();

        var targets = global::EdgeRegistry.Status.StatusTargets.Resolve(new CommandLineSettings { Config = config },
            name => name == "EDGEREG_MIN_FREE" ? "10GiB" : null, errors);

        Assert.Empty(errors);
        Assert.Equal(SpaceLimit.OfBytes(10L << 30), targets!.DiskGuard.MinFree);
        Assert.Equal(200L << 30, targets.DiskGuard.MaxStoreBytes);
    }

    [Fact]
    public void StatusTargets_BadMinFree_SameMessageAsServe()
    {
        var errors = new List<string>();

        var targets = global::EdgeRegistry.Status.StatusTargets.Resolve(new CommandLineSettings(), name => name == "EDGEREG_MIN_FREE" ? "lots" : null, errors);

        Assert.Null(targets);
        Assert.Single(errors, e => e.StartsWith("EDGEREG_MIN_FREE \"lots\": expected a percentage", StringComparison.Ordinal));
    }
}
