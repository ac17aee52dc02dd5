using System.Globalization;

namespace EdgeRegistry.Configuration;

/// <summary>Durations as operators write them: a whole number with a unit — <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>30d</c> — or <c>0</c>.</summary>
internal static class DurationParser
{
    /// <summary>Ten years: anything longer is a typo, and would overflow the clock arithmetic.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public static TimeSpan? Parse(RawSetting setting, List<string> errors)
    {
        string text = setting.Value.Trim();
        if (text == "0") return TimeSpan.Zero;
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long amount)
            && amount <= Longest.TotalSeconds)
        {
            TimeSpan? value = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (value is { } duration && duration <= Longest) return duration;
        }

        errors.Add(setting.Problem("expected a duration such as 90s, 30m, 24h or 30d (or 0), at most 3650d"));
        return null;
    }
}
