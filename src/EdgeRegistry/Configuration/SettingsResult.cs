namespace EdgeRegistry.Configuration;

/// <summary>Resolved settings, or the problems that stop start-up (one line each).</summary>
internal sealed record SettingsResult(ServeSettings? Settings, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
