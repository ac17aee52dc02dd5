using EdgeRegistry.Logging;

namespace EdgeRegistry.Host.Tests.Logging;

public sealed class ConsoleStyleDetectorTests
{
    [Fact]
    public void Detect_JournalStreamMatchesStandardOutputSocket_Journal()
    {
        var style = ConsoleStyleDetector.Detect(Variables(("JOURNAL_STREAM", "8:44176")), () => "socket:[44176]", outputRedirected: true);

        Assert.Equal(ConsoleStyle.Journal, style);
    }

    [Fact]
    public void Detect_JournalStreamInheritedButOutputRedirectedElsewhere_Plain()
    {
        var style = ConsoleStyleDetector.Detect(Variables(("JOURNAL_STREAM", "8:44176")), () => "/var/log/edgereg.log", outputRedirected: true);

        Assert.Equal(ConsoleStyle.Plain, style);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("8:")]
    [InlineData("8:abc")]
    public void Detect_MalformedJournalStream_NotJournal(string value)
    {
        var style = ConsoleStyleDetector.Detect(Variables(("JOURNAL_STREAM", value)), () => "socket:[44176]", outputRedirected: true);

        Assert.Equal(ConsoleStyle.Plain, style);
    }

    [Fact]
    public void Detect_NoProcFileSystem_TrustsJournalStream()
    {
        var style = ConsoleStyleDetector.Detect(Variables(("JOURNAL_STREAM", "8:44176")), () => null, outputRedirected: true);

        Assert.Equal(ConsoleStyle.Journal, style);
    }

    [Fact]
    public void Detect_TerminalWithoutNoColor_Terminal()
    {
        Assert.Equal(ConsoleStyle.Terminal, ConsoleStyleDetector.Detect(Variables(), () => "/dev/pts/0", outputRedirected: false));
    }

    [Fact]
    public void Detect_TerminalWithNoColor_Plain()
    {
        Assert.Equal(ConsoleStyle.Plain, ConsoleStyleDetector.Detect(Variables(("NO_COLOR", "")), () => "/dev/pts/0", outputRedirected: false));
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
