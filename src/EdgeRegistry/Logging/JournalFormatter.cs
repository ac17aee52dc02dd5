using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;

namespace EdgeRegistry.Logging;

/// <summary>
/// One journal entry per event for a stream connected to journald: <c>&lt;6&gt;Source: message repository=a digest=sha256:…</c>.
/// journald reads the <c>&lt;N&gt;</c> syslog priority (so <c>journalctl -p warning</c> works) and stamps its own
/// time, so there is no timestamp and no colour. The event's scalar properties follow the message as
/// <c>name=value</c> so an operator can grep for a repository or digest. journald splits entries at newlines:
/// newlines inside the message are escaped, and each exception line carries the priority again so a stack
/// trace is not filed at the default level.
/// </summary>
internal sealed class JournalFormatter : ITextFormatter
{
    private const string SourceContextProperty = "SourceContext";
    private const string EventIdProperty = "EventId";

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var priority = Priority(logEvent.Level);
        output.Write(priority);
        if (logEvent.Properties.TryGetValue(SourceContextProperty, out var source) && source is ScalarValue { Value: string sourceName })
        {
            output.Write(sourceName);
            output.Write(": ");
        }

        WriteEscaped(RenderMessage(logEvent), output);
        foreach (var (name, value) in logEvent.Properties)
        {
            if (FieldValue(name, value) is { } text)
            {
                output.Write(' ');
                output.Write(FieldName(name));
                output.Write('=');
                FieldText.Write(text, output);
            }
        }

        output.Write('\n');
        if (logEvent.Exception is not null)
        {
            foreach (var line in logEvent.Exception.ToString().Split('\n'))
            {
                output.Write(priority);
                output.Write("  ");
                output.Write(line.TrimEnd('\r'));
                output.Write('\n');
            }
        }
    }

    /// <summary>syslog priorities (RFC 5424): 3 error, 4 warning, 6 informational, 7 debug.</summary>
    public static string Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Fatal or LogEventLevel.Error => "<3>",
        LogEventLevel.Warning => "<4>",
        LogEventLevel.Information => "<6>",
        _ => "<7>",
    };

    /// <summary>The message with string values inserted as they are (no quotes), like Serilog's <c>{Message:l}</c>.</summary>
    private static string RenderMessage(LogEvent logEvent)
    {
        using var message = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
            {
                message.Write(text);
            }
            else
            {
                token.Render(logEvent.Properties, message, CultureInfo.InvariantCulture);
            }
        }

        return message.ToString();
    }

    private static void WriteEscaped(string text, TextWriter output)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n':
                    output.Write("\\n");
                    break;
                case '\r':
                    output.Write("\\r");
                    break;
                default:
                    output.Write(c);
                    break;
            }
        }
    }

    /// <summary>
    /// The text of a property worth a field: scalars, and the numeric id of Microsoft.Extensions.Logging's
    /// EventId. Sequences and structures (scopes) are left out: no destructuring, and they would flood the line.
    /// </summary>
    private static string? FieldValue(string name, LogEventPropertyValue value)
    {
        if (name == SourceContextProperty || name.StartsWith('{'))
        {
            return null;
        }

        if (name == EventIdProperty && value is StructureValue eventId)
        {
            var id = eventId.Properties.FirstOrDefault(p => p.Name == "Id")?.Value;
            return id is ScalarValue scalarId ? ScalarText(scalarId) : null;
        }

        return value is ScalarValue scalar ? ScalarText(scalar) : null;
    }

    private static string? ScalarText(ScalarValue scalar) => scalar.Value switch
    {
        null => null,
        string text => text,
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary><c>ClientAddress</c> becomes <c>clientAddress</c>: lower-case first, like journald field filters people type.</summary>
    private static string FieldName(string name) =>
        name.Length > 0 && char.IsUpper(name[0]) ? string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1)) : name;
}
