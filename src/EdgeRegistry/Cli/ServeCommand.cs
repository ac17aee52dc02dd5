using System.CommandLine;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;

namespace EdgeRegistry.Cli;

/// <summary><c>edgereg serve</c>: its flags, mapped onto <see cref="CommandLineSettings"/>.</summary>
internal static class ServeCommand
{
    public static Command Create(ProcessContext process)
    {
        // Every value flag is read as text and parsed by the settings resolver, so a bad value gets the
        // same message whether it came from a flag, an EDGEREG_* variable or the config file.
        var listen = new Option<string[]>(SettingKey.Listen.Flag)
        {
            Description = "Address to listen on, HOST:PORT or [IPv6]:PORT; repeatable [default: [::]:5000, all IPv6 and IPv4 addresses; 0.0.0.0:5000 without IPv6]",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };
        var root = TextOption(SettingKey.Root, "DIR", $"Store root directory [default: {ServeSettings.DefaultRoot}]");
        var config = TextOption(SettingKey.Config, "FILE", $"JSON config file [default: {ServeSettings.DefaultConfigFile}, if it exists]");
        var tlsCert = TextOption(SettingKey.TlsCert, "PEM", "Serve HTTPS with this PEM certificate (chain); needs --tls-key");
        var tlsKey = TextOption(SettingKey.TlsKey, "PEM", "PEM private key for --tls-cert");
        var credentials = TextOption(SettingKey.CredentialsFile, "PATH", $"Push/delete credentials [default: {ServeSettings.DefaultCredentialsFile}]");
        var anonymousWrites = new Option<bool>(SettingKey.AnonymousWrites.Flag)
        {
            Description = "Allow pushes and deletes without credentials from loopback clients (trials and tests)",
        };
        var logLevel = TextOption(SettingKey.LogLevel, "LEVEL", $"One of {LogLevelParser.Names} [default: information]");
        var accessLog = TextOption(SettingKey.AccessLog, "true|false", "One information line per request: client, method, path, status, bytes, duration [default: true]");
        var shutdownTimeout = TextOption(SettingKey.ShutdownTimeout, "SECONDS", "Time in-flight requests get to finish on shutdown [default: 10]");
        var maxManifestBytes = TextOption(SettingKey.MaxManifestBytes, "BYTES", $"Largest manifest accepted [default: {ServeSettings.DefaultMaxManifestBytes}]");
        var members = new Option<string[]>(SettingKey.Members.Flag)
        {
            Description = "A cluster member, HOST:PORT, this node included; repeatable [default: none, stand-alone]",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };
        var nodeName = TextOption(SettingKey.NodeName, "HOST:PORT", "Which --member is this node [default: the member matching a --listen or host address]");
        var clusterSecret = TextOption(SettingKey.ClusterSecretFile, "PATH", $"Shared secret peers authenticate with [default: {ServeSettings.DefaultClusterSecretFile}]");
        var bandwidth = TextOption(SettingKey.ReplicationBandwidth, "BYTES/S", "Cap on background replication traffic [default: 0, no cap]");
        var statusSocket = TextOption(SettingKey.StatusSocket, "PATH", $"Unix socket `edgereg status` reads [default: {ServeSettings.DefaultStatusSocket}]");
        var minFree = TextOption(SettingKey.MinFree, "SIZE|PERCENT", "Free space pushes and copies must leave on the store's file system [default: 15%]");
        var maxStoreBytes = TextOption(SettingKey.MaxStoreBytes, "SIZE", "Most bytes the store may hold [default: no cap of its own]");
        var scrubRate = TextOption(SettingKey.ScrubRate, "BYTES/S", "Pace of the background scrub that re-hashes every stored object, e.g. 20M [default: 20M]");
        var scrubPeriod = TextOption(SettingKey.ScrubPeriod, "DURATION", "A full scrub pass starts this often and finishes within it; 0 = on demand only [default: 7d]");

        var gcInterval = TextOption(SettingKey.GcInterval, "DURATION", "Time between garbage collections, e.g. 24h; 0 = on demand only [default: 24h]");
        var gcGrace = TextOption(SettingKey.GcGrace, "DURATION", "Nothing younger is collected; 0 allowed [default: 1h]");
        var pullRetention = TextOption(SettingKey.PullRetention, "DURATION", "Manifests pushed or pulled on any node within this are kept [default: 30d]");
        var gcPins = new Option<string[]>(SettingKey.GcPins.Flag)
        {
            Description = "Keep whatever the policy says: a digest or REPOSITORY:TAG pattern (* and ?); repeatable",
            HelpName = "PIN",
            AllowMultipleArgumentsPerToken = false,
        };
        var gcRetention = new Option<string[]>(SettingKey.GcRetention.Flag)
        {
            Description = "Retention rule: 'PATTERN keepTags=P1,P2 keepLast=N untaggedDays=D'; repeatable, first match wins",
            HelpName = "RULE",
            AllowMultipleArgumentsPerToken = false,
        };
        var upstreams = ListOption(SettingKey.Upstreams, "HOST", "Pull-through cache: /v2/HOST/PATH is PATH at this registry (port 443); repeatable");
        var mirrorSets = ListOption(SettingKey.MirrorSets, "FILE", "Pull-through cache: IDMS/ITMS/ICSP whose mirror paths are served from their sources; repeatable");
        var plainHttp = ListOption(SettingKey.UpstreamPlainHttp, "HOST[:PORT]", "Speak plain HTTP to this upstream instead of HTTPS; repeatable");
        var upstreamBandwidth = TextOption(SettingKey.UpstreamBandwidth, "BYTES/S", "Cap on the uplink traffic to each upstream [default: 0, no cap]");
        var upstreamCa = TextOption(SettingKey.UpstreamCaFile, "PEM", "CA bundle trusted for upstreams besides the system CAs");
        var upstreamAuth = TextOption(SettingKey.UpstreamAuthFile, "PATH", $"Upstream credentials, docker config.json [default: {ServeSettings.DefaultUpstreamAuthFile}]");
        var tagRefresh = TextOption(SettingKey.TagRefresh, "SECONDS", $"How often a cached tag is checked upstream [default: {(int)ServeSettings.DefaultTagRefresh.TotalSeconds}]");

        var command = new Command("serve", "Run the registry")
        {
            gcInterval, gcGrace, pullRetention, gcPins, gcRetention,
            listen, root, config, tlsCert, tlsKey, credentials, anonymousWrites, logLevel, accessLog, shutdownTimeout, maxManifestBytes,
            members, nodeName, clusterSecret, bandwidth, statusSocket, minFree, maxStoreBytes, scrubRate, scrubPeriod,
            upstreams, mirrorSets, plainHttp, upstreamBandwidth, upstreamCa, upstreamAuth, tagRefresh,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var commandLine = new CommandLineSettings
            {
                Listen = parseResult.GetValue(listen) ?? [],
                Root = parseResult.GetValue(root),
                Config = parseResult.GetValue(config),
                TlsCert = parseResult.GetValue(tlsCert),
                TlsKey = parseResult.GetValue(tlsKey),
                CredentialsFile = parseResult.GetValue(credentials),
                AnonymousWrites = parseResult.GetValue(anonymousWrites),
                LogLevel = parseResult.GetValue(logLevel),
                AccessLog = parseResult.GetValue(accessLog),
                ShutdownTimeout = parseResult.GetValue(shutdownTimeout),
                MaxManifestBytes = parseResult.GetValue(maxManifestBytes),
                Members = parseResult.GetValue(members) ?? [],
                NodeName = parseResult.GetValue(nodeName),
                ClusterSecretFile = parseResult.GetValue(clusterSecret),
                ReplicationBandwidth = parseResult.GetValue(bandwidth),
                StatusSocket = parseResult.GetValue(statusSocket),
                GcInterval = parseResult.GetValue(gcInterval),
                GcGrace = parseResult.GetValue(gcGrace),
                PullRetention = parseResult.GetValue(pullRetention),
                GcPins = parseResult.GetValue(gcPins) ?? [],
                GcRetention = parseResult.GetValue(gcRetention) ?? [],
                MinFree = parseResult.GetValue(minFree),
                MaxStoreBytes = parseResult.GetValue(maxStoreBytes),
                ScrubRate = parseResult.GetValue(scrubRate),
                ScrubPeriod = parseResult.GetValue(scrubPeriod),
                Upstreams = parseResult.GetValue(upstreams) ?? [],
                MirrorSets = parseResult.GetValue(mirrorSets) ?? [],
                UpstreamPlainHttp = parseResult.GetValue(plainHttp) ?? [],
                UpstreamBandwidth = parseResult.GetValue(upstreamBandwidth),
                UpstreamCaFile = parseResult.GetValue(upstreamCa),
                UpstreamAuthFile = parseResult.GetValue(upstreamAuth),
                TagRefresh = parseResult.GetValue(tagRefresh),
            };
            return RunAsync(commandLine, process, cancellationToken);
        });
        return command;
    }

    private static Option<string[]> ListOption(SettingKey key, string helpName, string description) =>
        new(key.Flag) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };

    private static Option<string> TextOption(SettingKey key, string helpName, string description) =>
        new(key.Flag) { Description = description, HelpName = helpName };

    private static async Task<int> RunAsync(CommandLineSettings commandLine, ProcessContext process, CancellationToken cancellationToken)
    {
        var resolved = ServeSettingsResolver.Resolve(commandLine, process.Environment);
        if (!resolved.IsValid)
        {
            foreach (var error in resolved.Errors)
            {
                process.Fail(error);
            }

            return ExitCodes.InvalidInput;
        }

        return await ServeRunner.RunAsync(resolved.Settings!, process, cancellationToken);
    }
}
