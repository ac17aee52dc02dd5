using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace EdgeRegistry.Logging;

/// <summary>
/// The one place logging is configured: one Serilog logger, built before the host, writing through
/// Serilog.Sinks.Console in the style that suits standard output (under journald with <see cref="JournalFormatter"/>),
/// behind Microsoft.Extensions.Logging through Serilog.Extensions.Hosting. Only message templates with scalar
/// properties are used (no destructuring, no ReadFrom.Configuration): nothing reflects over the types logged,
/// so the AOT publish stays free of trim warnings.
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
            .Filter.ByExcluding(IsReportedStartFailure)
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
    /// The generic host's "Hosting failed to start" with the bind exception's 25-line stack trace: `serve` reports
    /// the same failure as one sentence (<c>edgereg: cannot listen on …: address already in use</c>) and exits 1, so
    /// the trace would only push the sentence out of `systemctl status`'s few lines. Other start failures keep it.
    /// </summary>
    private static bool IsReportedStartFailure(LogEvent logEvent) =>
        logEvent.Exception is IOException or System.Net.Sockets.SocketException
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" };

    /// <summary>
    /// Makes <paramref name="logger"/>, built once before the host, its only logging, disposed with it.
    /// Serilog.Extensions.Hosting registers the logger (as <see cref="Serilog.ILogger"/>) and its diagnostic
    /// context; the <see cref="ILoggerFactory"/> it registers is then replaced. That factory reports scope
    /// properties innermost first, so a journal line logged during a request would end
    /// <c>requestId=… requestPath=… connectionId=…</c> instead of <c>connectionId=… requestId=… requestPath=…</c>;
    /// Microsoft.Extensions.Logging's factory hands Serilog its scopes outermost first, as edgereg has always
    /// written them. It is built finished, with fixed filter options (Serilog's levels decide): through the logging
    /// builder it would resolve options monitors and change-token sources edgereg never changes, and in the AOT
    /// binary the runtime type loader builds each of those generic types at start.
    /// </summary>
    public static IServiceCollection AddSerilogLogging(this IServiceCollection services, Logger logger)
    {
        services.AddSerilog(logger);
        services.RemoveAll<ILoggerFactory>();
        return services.AddSingleton<ILoggerFactory>(_ =>
        {
            var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = LogLevel.Trace });
            // Added rather than passed to the constructor: the factory disposes only the providers added this way.
            factory.AddProvider(new SerilogLoggerProvider(logger, dispose: true));
            return factory;
        });
    }
}
