using System.Globalization;

namespace EdgeRegistry.Configuration;

/// <summary>
/// Stacks the sources (flags over environment over config file over defaults) and validates every value
/// up front, so a bad setting stops start-up with a message naming it instead of half-starting a server.
/// </summary>
internal static class ServeSettingsResolver
{
    private const int MaxShutdownTimeoutSeconds = 3600;
    private const long MinManifestBytes = 4 * 1024;

    /// <summary>Manifests are buffered in memory to be validated, so the limit also bounds memory per request.</summary>
    private const long MaxManifestBytesLimit = 64 * 1024 * 1024;

    public static SettingsResult Resolve(CommandLineSettings commandLine, Func<string, string?> environment)
    {
        var errors = new List<string>();
        var layers = new List<SettingLayer> { commandLine.ToLayer(), EnvironmentSettings.Read(environment) };
        var configFile = FindConfigFile(commandLine.Config, environment, errors);
        if (configFile is not null)
        {
            layers.Add(ConfigFileSettings.Read(configFile, errors));
        }

        var sources = new Sources(layers, errors);
        // One step per concern, in this order: the errors are reported in it.
        var settings = new ServeSettings { ConfigFile = configFile };
        settings = ResolveListen(settings, sources);
        settings = ResolveStore(settings, sources);
        settings = ResolveAccess(settings, sources);
        settings = ResolveLogLevel(settings, sources);
        settings = ResolveLimits(settings, sources);
        settings = ResolveCluster(settings, sources);
        settings = ResolveStatusSocket(settings, sources);
        settings = ResolveTls(settings, sources.Winner(SettingKey.TlsCert), sources.Winner(SettingKey.TlsKey), errors);
        return new SettingsResult(errors.Count == 0 ? settings : null, errors);
    }

    private static ServeSettings ResolveListen(ServeSettings settings, Sources sources)
    {
        if (sources.Winner(SettingKey.Listen) is { } listen)
        {
            settings = settings with { Listen = ParseListen(listen, sources.Errors) };
        }

        return settings;
    }

    /// <summary>The store root, which must be a usable directory whether it was set or is the default.</summary>
    private static ServeSettings ResolveStore(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        if (sources.Winner(SettingKey.Root) is { } root && ParsePath(root, errors) is { } rootPath)
        {
            settings = settings with { Root = rootPath };
        }

        if (RootDirectoryCheck.Check(settings.Root) is { } rootProblem)
        {
            errors.Add(sources.Winner(SettingKey.Root)?.Problem(rootProblem) ?? $"{SettingKey.Root.Flag} \"{settings.Root}\" (default): {rootProblem}");
        }

        return settings;
    }

    /// <summary>Who may push: the credentials file and anonymous writes from loopback.</summary>
    private static ServeSettings ResolveAccess(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        if (sources.Winner(SettingKey.CredentialsFile) is { } credentials && ParsePath(credentials, errors) is { } credentialsPath)
        {
            settings = settings with { CredentialsFile = credentialsPath };
        }

        if (sources.Winner(SettingKey.AnonymousWrites) is { } anonymous && ParseBoolean(anonymous, errors) is { } anonymousWrites)
        {
            settings = settings with { AnonymousWrites = anonymousWrites };
        }

        return settings;
    }

    private static ServeSettings ResolveLogLevel(ServeSettings settings, Sources sources)
    {
        if (sources.Winner(SettingKey.AccessLog) is { } accessLog && ParseBoolean(accessLog, sources.Errors) is { } accessLogOn)
        {
            settings = settings with { AccessLog = accessLogOn };
        }

        if (sources.Winner(SettingKey.LogLevel) is { } level)
        {
            if (LogLevelParser.TryParse(level.Value, out var parsed))
            {
                settings = settings with { LogLevel = parsed };
            }
            else
            {
                sources.Errors.Add(level.Problem($"expected one of {LogLevelParser.Names}"));
            }
        }

        return settings;
    }

    /// <summary>The bounds on a running server: shutdown time and manifest size.</summary>
    private static ServeSettings ResolveLimits(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        if (sources.Winner(SettingKey.ShutdownTimeout) is { } timeout
            && ParseInteger(timeout, 0, MaxShutdownTimeoutSeconds, "seconds", errors) is { } seconds)
        {
            settings = settings with { ShutdownTimeout = TimeSpan.FromSeconds(seconds) };
        }

        if (sources.Winner(SettingKey.MaxManifestBytes) is { } maxManifest
            && ParseInteger(maxManifest, MinManifestBytes, MaxManifestBytesLimit, "bytes", errors) is { } bytes)
        {
            settings = settings with { MaxManifestBytes = bytes };
        }

        return settings;
    }

    /// <summary>Replication: the members, this node's name, the shared secret and the bandwidth cap.</summary>
    private static ServeSettings ResolveCluster(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        if (sources.Winner(SettingKey.Members) is { } members)
        {
            settings = settings with { Members = ParseMembers(members, errors) };
        }

        if (sources.Winner(SettingKey.NodeName) is { } nodeName)
        {
            settings = settings with { NodeName = nodeName.Value.Trim() };
        }

        if (sources.Winner(SettingKey.ClusterSecretFile) is { } secret && ParsePath(secret, errors) is { } secretPath)
        {
            settings = settings with { ClusterSecretFile = secretPath };
        }

        if (sources.Winner(SettingKey.ReplicationBandwidth) is { } bandwidth
            && ParseInteger(bandwidth, 0, long.MaxValue / 2, "bytes per second", errors) is { } bytesPerSecond)
        {
            settings = settings with { ReplicationBytesPerSecond = bytesPerSecond };
        }

        return settings;
    }

    private static ServeSettings ResolveStatusSocket(ServeSettings settings, Sources sources)
    {
        if (sources.Winner(SettingKey.StatusSocket) is { } statusSocket && ParsePath(statusSocket, sources.Errors) is { } statusSocketPath)
        {
            settings = settings with { StatusSocket = statusSocketPath };
        }

        return settings;
    }

    /// <summary>
    /// A config file named by flag or environment must exist; the default one is read only when present,
    /// so a node without <c>/etc/edgereg/config.json</c> runs on defaults.
    /// </summary>
    public static string? FindConfigFile(string? flag, Func<string, string?> environment, List<string> errors)
    {
        var environmentValue = environment(SettingKey.Config.EnvironmentVariable);
        var (path, origin) = flag is not null
            ? (flag, SettingKey.Config.Flag)
            : !string.IsNullOrWhiteSpace(environmentValue)
                ? (environmentValue.Trim(), SettingKey.Config.EnvironmentVariable)
                : (null, null);
        if (path is null)
        {
            return File.Exists(ServeSettings.DefaultConfigFile) ? ServeSettings.DefaultConfigFile : null;
        }

        if (path.Length == 0)
        {
            errors.Add($"{origin} \"\": expected a file path");
            return null;
        }

        if (!File.Exists(path))
        {
            errors.Add($"{origin} \"{path}\": {(Directory.Exists(path) ? "is a directory, not a file" : "file not found")}");
            return null;
        }

        return Path.GetFullPath(path);
    }

    private static ServeSettings ResolveTls(ServeSettings settings, RawSetting? cert, RawSetting? key, List<string> errors)
    {
        if (cert is null && key is null)
        {
            return settings;
        }

        if (cert is null || key is null)
        {
            var (present, missing) = cert is null ? (key!, SettingKey.TlsCert) : (cert, SettingKey.TlsKey);
            errors.Add(present.Problem($"needs {missing.Flag} too ({missing.EnvironmentVariable} or \"{missing.FileKey}\" in the config file)"));
            return settings;
        }

        var certPath = ParsePath(cert, errors);
        var keyPath = ParsePath(key, errors);
        if (certPath is null || keyPath is null)
        {
            return settings;
        }

        if (TlsCertificateLoader.Check(certPath, keyPath, out var notAfter) is { } problem)
        {
            errors.Add(cert.Problem(problem));
            return settings;
        }

        return settings with { TlsCertificateFile = certPath, TlsKeyFile = keyPath, TlsCertificateNotAfter = notAfter };
    }

    private static IReadOnlyList<ListenEndpoint> ParseListen(RawSetting listen, List<string> errors)
    {
        var endpoints = new List<ListenEndpoint>();
        foreach (var text in listen.Values)
        {
            if (!ListenAddressParser.TryParse(text, out var endpoint, out var problem))
            {
                errors.Add(listen.Problem(text, problem));
            }
            else if (endpoints.Contains(endpoint))
            {
                errors.Add(listen.Problem(text, "listed twice"));
            }
            else
            {
                endpoints.Add(endpoint);
            }
        }

        return endpoints;
    }

    private static IReadOnlyList<MemberEndpoint> ParseMembers(RawSetting members, List<string> errors)
    {
        var parsed = new List<MemberEndpoint>();
        foreach (var text in members.Values)
        {
            if (!MemberEndpoint.TryParse(text, out var member, out var problem))
            {
                errors.Add(members.Problem(text, problem));
            }
            else if (parsed.Contains(member))
            {
                errors.Add(members.Problem(text, "listed twice"));
            }
            else
            {
                parsed.Add(member);
            }
        }

        return parsed;
    }

    private static string? ParsePath(RawSetting setting, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(setting.Value))
        {
            errors.Add(setting.Problem("expected a path"));
            return null;
        }

        if (setting.Value.Contains('\0'))
        {
            errors.Add(setting.Problem("a path cannot contain NUL"));
            return null;
        }

        return Path.GetFullPath(setting.Value);
    }

    private static bool? ParseBoolean(RawSetting setting, List<string> errors)
    {
        switch (setting.Value.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                errors.Add(setting.Problem("expected true or false"));
                return null;
        }
    }

    private static long? ParseInteger(RawSetting setting, long min, long max, string unit, List<string> errors)
    {
        if (long.TryParse(setting.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(setting.Problem(string.Create(CultureInfo.InvariantCulture, $"expected a whole number of {unit} from {min} to {max}")));
        return null;
    }

    /// <summary>The layers, highest precedence first, and the errors every step adds to.</summary>
    private sealed class Sources(IReadOnlyList<SettingLayer> layers, List<string> errors)
    {
        public List<string> Errors { get; } = errors;

        /// <summary>The value of the first layer that sets <paramref name="key"/>, or null for the default.</summary>
        public RawSetting? Winner(SettingKey key) => layers.Select(layer => layer.Get(key)).FirstOrDefault(value => value is not null);
    }
}
