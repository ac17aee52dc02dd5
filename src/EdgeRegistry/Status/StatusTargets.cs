using EdgeRegistry.Configuration;

namespace EdgeRegistry.Status;

/// <summary>
/// What `edgereg status` looks at: the store root, the registry's listen addresses and the status socket,
/// resolved exactly as `serve` resolves them (flags over EDGEREG_* over the config file over defaults). Other
/// serve settings are not needed and not checked; a bad value for these, or a bad config file, is an error.
/// Unlike `serve`, nothing is created: the root is only read.
/// </summary>
internal sealed record StatusTargets(string Root, IReadOnlyList<string> Listen, string StatusSocket)
{
    /// <summary>The cluster's members as configured (<c>--member</c>, EDGEREG_MEMBERS, <c>members</c>), unparsed; `import` renders mirrors for them.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>The disk guard's limits as `serve` has them (<c>--min-free</c>, <c>--max-store-bytes</c>): what `import` keeps to with the agent stopped.</summary>
    public Storage.Capacity.DiskGuardOptions DiskGuard { get; init; } = new();

    public static StatusTargets? Resolve(CommandLineSettings commandLine, Func<string, string?> environment, List<string> errors)
    {
        var layers = new List<SettingLayer> { commandLine.ToLayer(), EnvironmentSettings.Read(environment) };
        var configFile = ServeSettingsResolver.FindConfigFile(commandLine.Config, environment, errors);
        if (configFile is not null)
        {
            layers.Add(ConfigFileSettings.Read(configFile, errors));
        }

        RawSetting? Winner(SettingKey key) => layers.Select(layer => layer.Get(key)).FirstOrDefault(value => value is not null);

        var root = Winner(SettingKey.Root) is { } rootSetting ? PathOf(rootSetting, errors) : ServeSettings.DefaultRoot;
        var socket = Winner(SettingKey.StatusSocket) is { } socketSetting ? PathOf(socketSetting, errors) : ServeSettings.DefaultStatusSocket;
        var listen = Winner(SettingKey.Listen) is { } listenSetting
            ? ListenOf(listenSetting, errors)
            : ServeSettings.DefaultListen.Select(endpoint => endpoint.ToString()).ToArray();
        var members = Winner(SettingKey.Members)?.Values ?? [];
        var guard = ServeSettingsResolver.DiskGuardOf(Winner(SettingKey.MinFree), Winner(SettingKey.MaxStoreBytes), errors);
        return errors.Count == 0 ? new StatusTargets(root!, listen, socket!) { Members = [.. members], DiskGuard = guard } : null;
    }

    private static string? PathOf(RawSetting setting, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(setting.Value) || setting.Value.Contains('\0'))
        {
            errors.Add(setting.Problem("expected a path"));
            return null;
        }

        return Path.GetFullPath(setting.Value);
    }

    private static string[] ListenOf(RawSetting setting, List<string> errors)
    {
        var addresses = new List<string>();
        foreach (var text in setting.Values)
        {
            if (ListenAddressParser.TryParse(text, out var endpoint, out var problem))
            {
                addresses.Add(endpoint.ToString());
            }
            else
            {
                errors.Add(setting.Problem(text, problem));
            }
        }

        return addresses.ToArray();
    }
}
