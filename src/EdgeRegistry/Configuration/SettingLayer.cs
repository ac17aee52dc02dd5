namespace EdgeRegistry.Configuration;

/// <summary>
/// The settings one source (flags, environment or config file) supplies. Layers are stacked by
/// precedence; for each key the highest layer that has it wins outright (lists are replaced, not merged).
/// </summary>
internal sealed class SettingLayer
{
    private readonly Dictionary<SettingKey, RawSetting> _values = [];

    public void Set(SettingKey key, RawSetting value) => _values[key] = value;

    public RawSetting? Get(SettingKey key) => _values.GetValueOrDefault(key);

    /// <summary>The config file's per-upstream objects (only a config file has them); null when not set.</summary>
    public IReadOnlyList<UpstreamRegistrySetting>? UpstreamRegistries { get; set; }
}
