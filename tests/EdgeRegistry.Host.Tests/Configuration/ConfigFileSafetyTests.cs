using System.Diagnostics;
using EdgeRegistry.Configuration;

namespace EdgeRegistry.Host.Tests.Configuration;

/// <summary>A config file that is no plain, trusted file is refused with a message, before it is opened.</summary>
public sealed class ConfigFileSafetyTests : IDisposable
{
    private readonly TempDirectory _temp = new("config-safety");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_Fifo_RefusedAtOnceWithoutBlocking()
    {
        string fifo = _temp.Combine("config.json");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();

        ConfigFileSettings.Read(fifo, errors);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains(errors, e => e.Contains(fifo, StringComparison.Ordinal) && e.Contains("not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Read_WorldWritable_Refused()
    {
        string file = _temp.Combine("config.json");
        File.WriteAllText(file, "{}");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        var errors = new List<string>();

        ConfigFileSettings.Read(file, errors);

        Assert.Contains(errors, e => e.Contains("writable by every user", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SymlinkToDevice_Refused()
    {
        string link = _temp.Combine("config.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        var errors = new List<string>();

        ConfigFileSettings.Read(link, errors);

        Assert.Contains(errors, e => e.Contains("not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SymlinkToPlainFile_Read()
    {
        string file = _temp.Combine("real.json");
        File.WriteAllText(file, "{\"logLevel\":\"debug\"}");
        string link = _temp.Combine("config.json");
        File.CreateSymbolicLink(link, file);
        var errors = new List<string>();

        ConfigFileSettings.Read(link, errors);

        Assert.Empty(errors);
    }
}
