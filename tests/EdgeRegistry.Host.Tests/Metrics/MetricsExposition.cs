using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeRegistry.Host.Tests.Metrics;

/// <summary>A strict reader of the Prometheus text format: every line must be HELP, TYPE or a well-formed sample.</summary>
internal sealed partial class MetricsExposition
{
    private readonly Dictionary<string, long> _samples = [];

    private MetricsExposition(string text)
    {
        Text = text;
        var help = new List<string>();
        var type = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (HelpLine().Match(line) is { Success: true } h)
            {
                help.Add(h.Groups[1].Value);
                continue;
            }

            if (TypeLine().Match(line) is { Success: true } t)
            {
                type.Add(t.Groups[1].Value);
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a valid exposition line: {line}");
            Assert.Contains(sample.Groups["name"].Value, type);
            _samples.Add(sample.Groups["name"].Value + sample.Groups["labels"].Value, long.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture));
        }

        Help = help;
        Types = type;
    }

    public string Text { get; }

    public IReadOnlyList<string> Help { get; }

    public IReadOnlyList<string> Types { get; }

    public static MetricsExposition Parse(string text) => new(text);

    /// <summary>The value of a series, written as in the exposition (<c>name{a="b",c="d"}</c>); 0 when absent (a counter not yet seen).</summary>
    public long Get(string series) => _samples.GetValueOrDefault(series);

    public bool Has(string series) => _samples.ContainsKey(series);

    [GeneratedRegex(@"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (?<value>-?[0-9]+)$""")]
    private static partial Regex SampleLine();
}
