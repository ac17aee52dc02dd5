namespace EdgeRegistry.Configuration;

/// <summary>Reads the <c>EDGEREG_*</c> environment variables; <c>EDGEREG_LISTEN</c> is comma-separated.</summary>
internal static class EnvironmentSettings
{
    public static SettingLayer Read(Func<string, string?> environment)
    {
        var layer = new SettingLayer();
        foreach (var key in SettingKey.FileSettings)
        {
            var text = environment(key.EnvironmentVariable);
            // An empty variable counts as unset: systemd's Environment= and shells produce them easily.
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            IReadOnlyList<string> values = key.IsList
                ? text.Split(key.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [text.Trim()];
            layer.Set(key, new RawSetting(values, key.EnvironmentVariable));
        }

        return layer;
    }
}
