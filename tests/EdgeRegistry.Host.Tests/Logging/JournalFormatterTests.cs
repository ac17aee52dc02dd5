using System.Globalization;
using EdgeRegistry.Logging;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace EdgeRegistry.Host.Tests.Logging;

public sealed partial class JournalFormatterTests
{
    [Fact]
    public void Format_InformationWithFields_PriorityThenSourceMessageAndFields()
    {
        var lines = Capture(log => log.ForContext(Constants.SourceContextPropertyName, "EdgeRegistry.Pull")
            .Information("Served {Repository} {Digest} in {Bytes} bytes", "library/alpine", "sha256:0123abcd", 4096L));

        Assert.Equal(["<6>EdgeRegistry.Pull: Served library/alpine sha256:0123abcd in 4096 bytes repository=library/alpine digest=sha256:0123abcd bytes=4096"], lines);
    }

    [Theory]
    [InlineData(LogEventLevel.Fatal, "<3>")]
    [InlineData(LogEventLevel.Error, "<3>")]
    [InlineData(LogEventLevel.Warning, "<4>")]
    [InlineData(LogEventLevel.Information, "<6>")]
    [InlineData(LogEventLevel.Debug, "<7>")]
    [InlineData(LogEventLevel.Verbose, "<7>")]
    public void Format_EachLevel_SyslogPriorityPrefix(LogEventLevel level, string priority)
    {
        var lines = Capture(log => log.Write(level, "disk {Percent} full", 91));

        Assert.Equal([$"{priority}disk 91 full percent=91"], lines);
    }

    [Fact]
    public void Format_TimestampAndColour_NeitherIsWritten()
    {
        var line = Assert.Single(Capture(log => log.Warning("peer {Peer} unreachable", "10.0.0.2:5000")));

        Assert.Equal("<4>peer 10.0.0.2:5000 unreachable peer=10.0.0.2:5000", line);
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain(DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ValuesWithSpacesQuotesAndNewlines_QuotedAndEscapedOnOneLine()
    {
        var lines = Capture(log => log.Error("bad request from {Client}: {Problem}", "10.0.0.9", "name \"a b\"\nsecond=line"));

        var line = Assert.Single(lines);
        Assert.StartsWith("<3>bad request from 10.0.0.9: name \"a b\"\\nsecond=line ", line, StringComparison.Ordinal);
        Assert.EndsWith(" client=10.0.0.9 problem=\"name \\\"a b\\\"\\nsecond=line\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_WithException_EveryExceptionLineCarriesThePriority()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("store went away");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var lines = Capture(log => log.Error(thrown, "Cannot open the store at {Root}", "/var/local-registry"));

        Assert.True(lines.Length >= 3, string.Join("\n", lines));
        Assert.Equal("<3>Cannot open the store at /var/local-registry root=/var/local-registry", lines[0]);
        Assert.Equal("<3>  System.InvalidOperationException: store went away", lines[1]);
        Assert.All(lines, line => Assert.StartsWith("<3>", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Format_NonScalarProperties_LeftOut()
    {
        var lines = Capture(log => log.Information("tags {Tags} on {Repository}", new[] { "a", "b" }, "app"));

        Assert.Equal(["<6>tags [\"a\", \"b\"] on app repository=app"], lines);
    }

    [Fact]
    public void Format_ThroughMicrosoftLoggingAndLoggerMessage_EventIdFieldAndNoOriginalFormat()
    {
        var output = new StringWriter();
        using (var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new FormattingSink(output)).CreateLogger())
        using (var provider = new SerilogLoggerProvider(serilog))
        {
            var logger = provider.CreateLogger("EdgeRegistry.Replication");
            PeerUnreachable(logger, "node-2:5000", TimeSpan.FromMilliseconds(1500));
        }

        var line = output.ToString().TrimEnd('\n');
        Assert.StartsWith("<4>EdgeRegistry.Replication: Peer node-2:5000 unreachable for 00:00:01.5000000", line, StringComparison.Ordinal);
        Assert.Contains(" peer=node-2:5000", line, StringComparison.Ordinal);
        Assert.Contains(" duration=00:00:01.5000000", line, StringComparison.Ordinal);
        Assert.Contains(" eventId=42", line, StringComparison.Ordinal);
        Assert.DoesNotContain("OriginalFormat", line, StringComparison.Ordinal);
        Assert.DoesNotContain("sourceContext", line, StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Peer {Peer} unreachable for {Duration}")]
    private static partial void PeerUnreachable(Microsoft.Extensions.Logging.ILogger logger, string peer, TimeSpan duration);

    private static string[] Capture(Action<Serilog.ILogger> write)
    {
        var output = new StringWriter();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new FormattingSink(output)).CreateLogger())
        {
            write(logger);
        }

        var text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }

    /// <summary>Serilog's pipeline with the formatter at its end, writing into memory instead of the console.</summary>
    private sealed class FormattingSink(TextWriter output) : ILogEventSink
    {
        private readonly JournalFormatter _formatter = new();

        public void Emit(LogEvent logEvent) => _formatter.Format(logEvent, output);
    }
}
