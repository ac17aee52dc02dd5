using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace EdgeRegistry.Logging;

/// <summary>
/// The one place logging is configured: Serilog behind Microsoft.Extensions.Logging. Only message
/// templates with scalar properties are used (no destructuring, no ReadFrom.Configuration), which keeps
/// Serilog 3.1.1 trim-safe in the AOT binary.
/// </summary>
internal static class LoggingSetup
{
    /// <summary>On a terminal: short time, coloured level, for a person watching.</summary>
    private const string TerminalTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Redirected (files, CI logs): full timestamp, no escape codes, one event per line.</summary>
    private const string PlainTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>A logger writing to standard output in the style that suits where standard output goes.</summary>
    public static Logger CreateLogger(LogEventLevel level) => CreateLogger(level, ConsoleStyleDetector.FromEnvironment());

    public static Logger CreateLogger(LogEventLevel level, ConsoleStyle style)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Kestrel and routing log every request at Information/Debug; at registry request rates that
            // buries everything else. Trace level still shows them for troubleshooting.
            .MinimumLevel.Override("Microsoft.AspNetCore", level == LogEventLevel.Verbose ? level : LogEventLevel.Warning)
            .Enrich.FromLogContext();
        var sink = style switch
        {
            ConsoleStyle.Journal => configuration.WriteTo.Console(new JournalFormatter()),
            ConsoleStyle.Terminal => configuration.WriteTo.Console(
                outputTemplate: TerminalTemplate, theme: AnsiConsoleTheme.Code, formatProvider: CultureInfo.InvariantCulture),
            _ => configuration.WriteTo.Console(
                outputTemplate: PlainTemplate, theme: ConsoleTheme.None, formatProvider: CultureInfo.InvariantCulture),
        };
        return sink.CreateLogger();
    }

    /// <summary>
    /// Makes Serilog the only Microsoft.Extensions.Logging provider; Serilog's levels decide what is written. The
    /// factory is registered finished, with fixed filter options: building it through the logging builder resolves
    /// options monitors and their change-token sources that edgereg never changes, and in the AOT binary the
    /// runtime type loader builds each of those generic types at start.
    /// </summary>
    public static void AddSerilogLoggerFactory(this IServiceCollection services, Logger logger) =>
        services.AddSingleton<ILoggerFactory>(_ => new LoggerFactory(
            [new SerilogLoggerProvider(logger, dispose: true)], new LoggerFilterOptions { MinLevel = LogLevel.Trace }));
}
