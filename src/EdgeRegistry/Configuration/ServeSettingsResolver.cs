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
        settings = ResolveDiskGuard(settings, sources);
        settings = ResolveCluster(settings, sources);
        settings = ResolveStatusSocket(settings, sources);
        settings = ResolveCollection(settings, sources);
        settings = ResolveScrub(settings, sources);
        settings = ResolveUpstream(settings, sources);
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

    /// <summary>The disk guard: free space to leave and the store's own cap.</summary>
    private static ServeSettings ResolveDiskGuard(ServeSettings settings, Sources sources)
    {
        var guard = DiskGuardOf(sources.Winner(SettingKey.MinFree), sources.Winner(SettingKey.MaxStoreBytes), sources.Errors);
        return settings with { MinFree = guard.MinFree, MaxStoreBytes = guard.MaxStoreBytes };
    }

    /// <summary>
    /// `--min-free` and `--max-store-bytes` as the disk guard takes them (the defaults when unset); shared with the
    /// commands that write the store while the agent is stopped (`import`), so they keep the agent's limits.
    /// </summary>
    public static Storage.Capacity.DiskGuardOptions DiskGuardOf(RawSetting? minFree, RawSetting? maxStore, List<string> errors)
    {
        var guard = new Storage.Capacity.DiskGuardOptions();
        if (minFree is not null)
        {
            if (Storage.Capacity.SpaceLimit.TryParse(minFree.Value, out var limit))
            {
                guard = guard with { MinFree = limit };
            }
            else
            {
                errors.Add(minFree.Problem("expected a percentage of the store's file system from 0% to 99% (e.g. 15%) or bytes (e.g. 20G, 20GiB, 21474836480)"));
            }
        }

        if (maxStore is not null)
        {
            if (Storage.Capacity.ByteSizes.TryParse(maxStore.Value, out long bytes) && bytes > 0)
            {
                guard = guard with { MaxStoreBytes = bytes };
            }
            else
            {
                errors.Add(maxStore.Problem("expected a size above 0 in bytes or with a binary unit (e.g. 200G, 200GiB)"));
            }
        }

        return guard;
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

    /// <summary>Garbage collection: the schedule and what the collector decides by (pins and rules parsed by the store's own parser).</summary>
    private static ServeSettings ResolveCollection(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        var collection = settings.Collection;
        var options = collection.Options;
        if (sources.Winner(SettingKey.GcInterval) is { } interval && DurationParser.Parse(interval, errors) is { } every)
        {
            collection = collection with { Interval = every };
        }

        if (sources.Winner(SettingKey.GcGrace) is { } grace && DurationParser.Parse(grace, errors) is { } graceTime)
        {
            options = options with { Grace = graceTime };
        }

        if (sources.Winner(SettingKey.PullRetention) is { } retention && DurationParser.Parse(retention, errors) is { } retentionTime)
        {
            options = options with { PullRetention = retentionTime };
        }

        if (sources.Winner(SettingKey.GcPins) is { } pins)
        {
            var parsed = new List<Storage.Collection.CollectionPin>();
            foreach (var text in pins.Values)
            {
                if (Storage.Collection.RetentionRules.ParsePin(text, out var problem) is { } pin) parsed.Add(pin);
                else errors.Add($"{pins.Origin}: {problem}");
            }

            options = options with { Pins = parsed };
        }

        if (sources.Winner(SettingKey.GcRetention) is { } rules)
        {
            var parsed = new List<Storage.Collection.RetentionPolicy>();
            foreach (var text in rules.Values)
            {
                if (Storage.Collection.RetentionRules.ParsePolicy(text, out var problem) is { } policy) parsed.Add(policy);
                else errors.Add($"{rules.Origin}: {problem}");
            }

            options = options with { Policies = parsed };
        }

        return settings with { Collection = collection with { Options = options } };
    }

    /// <summary>Scrub: bytes per second (binary units allowed, at least <see cref="Scrub.ScrubSettings.MinRate"/>) and the period.</summary>
    private static ServeSettings ResolveScrub(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        var scrub = settings.Scrub;
        if (sources.Winner(SettingKey.ScrubRate) is { } rate)
        {
            if (Storage.Capacity.ByteSizes.TryParse(rate.Value, out long bytes) && bytes >= Scrub.ScrubSettings.MinRate)
            {
                scrub = scrub with { BytesPerSecond = bytes };
            }
            else
            {
                errors.Add(rate.Problem($"expected bytes per second of at least {Scrub.ScrubSettings.MinRate} (64K), plain or with a binary unit (e.g. 20M, 20MiB)"));
            }
        }

        if (sources.Winner(SettingKey.ScrubPeriod) is { } period && DurationParser.Parse(period, errors) is { } every)
        {
            if (every == TimeSpan.Zero || every >= Scrub.ScrubSettings.MinPeriod) scrub = scrub with { Period = every };
            else errors.Add(period.Problem("a full pass needs at least 1h (or 0: scrub on demand only)"));
        }

        return settings with { Scrub = scrub };
    }

    /// <summary>Longest tag refresh interval: a day (a tag moved upstream is followed at the latest then).</summary>
    private const long MaxTagRefreshSeconds = 24 * 3600;

    /// <summary>The pull-through cache: which upstreams, how to reach them, with which credentials, how often tags are checked.</summary>
    private static ServeSettings ResolveUpstream(ServeSettings settings, Sources sources)
    {
        var errors = sources.Errors;
        if (sources.Winner(SettingKey.Upstreams) is { } upstreams)
        {
            var hosts = new List<string>();
            foreach (var text in upstreams.Values)
            {
                if (UpstreamHostCheck.HostInPathProblem(text) is { } problem) errors.Add(upstreams.Problem(text, problem));
                else if (hosts.Contains(text.Trim().ToLowerInvariant())) errors.Add(upstreams.Problem(text, "listed twice"));
                else hosts.Add(text.Trim().ToLowerInvariant());
            }
            settings = settings with { Upstreams = hosts };
        }

        if (sources.Winner(SettingKey.MirrorSets) is { } mirrorSets)
        {
            var files = new List<string>();
            foreach (var text in mirrorSets.Values)
            {
                if (ParsePath(new RawSetting([text], mirrorSets.Origin), errors) is not { } file) continue;
                if (!File.Exists(file)) errors.Add(mirrorSets.Problem(text, Directory.Exists(file) ? "is a directory, not a file" : "file not found"));
                else files.Add(file);
            }
            settings = settings with { MirrorSetFiles = files };
        }

        if (sources.Winner(SettingKey.UpstreamPlainHttp) is { } plain)
        {
            var hosts = new List<string>();
            foreach (var text in plain.Values)
            {
                if (UpstreamHostCheck.HostProblem(text) is { } problem) errors.Add(plain.Problem(text, problem));
                else hosts.Add(text.Trim().ToLowerInvariant());
            }
            settings = settings with { UpstreamPlainHttp = hosts };
        }

        if (sources.Winner(SettingKey.UpstreamBandwidth) is { } bandwidth
            && ParseInteger(bandwidth, 0, long.MaxValue / 2, "bytes per second", errors) is { } bytesPerSecond)
        {
            settings = settings with { UpstreamBytesPerSecond = bytesPerSecond };
        }

        if (sources.Winner(SettingKey.UpstreamCaFile) is { } ca && ParsePath(ca, errors) is { } caPath)
        {
            if (UpstreamHostCheck.CaFileProblem(caPath) is { } problem) errors.Add(ca.Problem(problem));
            else settings = settings with { UpstreamCaFile = caPath };
        }

        if (sources.Winner(SettingKey.UpstreamAuthFile) is { } auth && ParsePath(auth, errors) is { } authPath)
        {
            settings = settings with { UpstreamAuthFile = authPath };
        }

        if (sources.Winner(SettingKey.TagRefresh) is { } refresh
            && ParseInteger(refresh, 1, MaxTagRefreshSeconds, "seconds", errors) is { } refreshSeconds)
        {
            settings = settings with { TagRefresh = TimeSpan.FromSeconds(refreshSeconds) };
        }

        if (sources.UpstreamRegistries() is { } registries) settings = settings with { UpstreamRegistries = registries };

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

        /// <summary>The per-upstream objects of the layer that has them (the config file), or null.</summary>
        public IReadOnlyList<UpstreamRegistrySetting>? UpstreamRegistries() =>
            layers.Select(layer => layer.UpstreamRegistries).FirstOrDefault(value => value is not null);
    }
}
