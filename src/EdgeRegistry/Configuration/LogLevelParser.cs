using Serilog.Events;

namespace EdgeRegistry.Configuration;

/// <summary>Log level names, accepting both Serilog's and Microsoft.Extensions.Logging's spellings.</summary>
internal static class LogLevelParser
{
    public const string Names = "trace, debug, information, warning, error, fatal";

    public static bool TryParse(string text, out LogEventLevel level)
    {
        LogEventLevel? parsed = text.ToLowerInvariant() switch
        {
            "trace" or "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "information" or "info" => LogEventLevel.Information,
            "warning" or "warn" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "fatal" or "critical" => LogEventLevel.Fatal,
            _ => null,
        };
        level = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }
}
