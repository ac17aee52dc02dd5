namespace EdgeRegistry.Configuration;

/// <summary>What the `serve` flags said; null or empty means the flag was not given.</summary>
internal sealed record CommandLineSettings
{
    public IReadOnlyList<string> Listen { get; init; } = [];
    public string? Root { get; init; }
    public string? Config { get; init; }
    public string? TlsCert { get; init; }
    public string? TlsKey { get; init; }
    public string? CredentialsFile { get; init; }
    public bool AnonymousWrites { get; init; }
    public string? LogLevel { get; init; }
    public string? AccessLog { get; init; }
    public string? ShutdownTimeout { get; init; }
    public string? MaxManifestBytes { get; init; }
    public IReadOnlyList<string> Members { get; init; } = [];
    public string? NodeName { get; init; }
    public string? ClusterSecretFile { get; init; }
    public string? ReplicationBandwidth { get; init; }
    public string? StatusSocket { get; init; }
    public string? GcInterval { get; init; }
    public string? GcGrace { get; init; }
    public string? PullRetention { get; init; }
    public IReadOnlyList<string> GcPins { get; init; } = [];
    public IReadOnlyList<string> GcRetention { get; init; } = [];
    public string? MinFree { get; init; }
    public string? ScrubRate { get; init; }
    public string? ScrubPeriod { get; init; }
    public string? MaxStoreBytes { get; init; }
    public IReadOnlyList<string> Upstreams { get; init; } = [];
    public IReadOnlyList<string> MirrorSets { get; init; } = [];
    public IReadOnlyList<string> UpstreamPlainHttp { get; init; } = [];
    public string? UpstreamBandwidth { get; init; }
    public string? UpstreamCaFile { get; init; }
    public string? UpstreamAuthFile { get; init; }
    public string? TagRefresh { get; init; }

    public SettingLayer ToLayer()
    {
        var layer = new SettingLayer();
        if (Listen.Count > 0)
        {
            layer.Set(SettingKey.Listen, new RawSetting(Listen, SettingKey.Listen.Flag));
        }

        SetScalar(layer, SettingKey.Root, Root);
        SetScalar(layer, SettingKey.TlsCert, TlsCert);
        SetScalar(layer, SettingKey.TlsKey, TlsKey);
        SetScalar(layer, SettingKey.CredentialsFile, CredentialsFile);
        // A switch can only turn anonymous writes on; its absence defers to the environment and the file.
        SetScalar(layer, SettingKey.AnonymousWrites, AnonymousWrites ? "true" : null);
        SetScalar(layer, SettingKey.LogLevel, LogLevel);
        SetScalar(layer, SettingKey.AccessLog, AccessLog);
        SetScalar(layer, SettingKey.ShutdownTimeout, ShutdownTimeout);
        SetScalar(layer, SettingKey.MaxManifestBytes, MaxManifestBytes);
        if (Members.Count > 0)
        {
            layer.Set(SettingKey.Members, new RawSetting(Members, SettingKey.Members.Flag));
        }

        SetScalar(layer, SettingKey.NodeName, NodeName);
        SetScalar(layer, SettingKey.ClusterSecretFile, ClusterSecretFile);
        SetScalar(layer, SettingKey.ReplicationBandwidth, ReplicationBandwidth);
        SetScalar(layer, SettingKey.StatusSocket, StatusSocket);
        SetScalar(layer, SettingKey.GcInterval, GcInterval);
        SetScalar(layer, SettingKey.GcGrace, GcGrace);
        SetScalar(layer, SettingKey.PullRetention, PullRetention);
        if (GcPins.Count > 0) layer.Set(SettingKey.GcPins, new RawSetting(GcPins, SettingKey.GcPins.Flag));
        if (GcRetention.Count > 0) layer.Set(SettingKey.GcRetention, new RawSetting(GcRetention, SettingKey.GcRetention.Flag));
        SetScalar(layer, SettingKey.MinFree, MinFree);
        SetScalar(layer, SettingKey.ScrubRate, ScrubRate);
        SetScalar(layer, SettingKey.ScrubPeriod, ScrubPeriod);
        SetScalar(layer, SettingKey.MaxStoreBytes, MaxStoreBytes);
        SetList(layer, SettingKey.Upstreams, Upstreams);
        SetList(layer, SettingKey.MirrorSets, MirrorSets);
        SetList(layer, SettingKey.UpstreamPlainHttp, UpstreamPlainHttp);
        SetScalar(layer, SettingKey.UpstreamBandwidth, UpstreamBandwidth);
        SetScalar(layer, SettingKey.UpstreamCaFile, UpstreamCaFile);
        SetScalar(layer, SettingKey.UpstreamAuthFile, UpstreamAuthFile);
        SetScalar(layer, SettingKey.TagRefresh, TagRefresh);
        return layer;
    }

    private static void SetList(SettingLayer layer, SettingKey key, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            layer.Set(key, new RawSetting(values, key.Flag));
        }
    }

    private static void SetScalar(SettingLayer layer, SettingKey key, string? value)
    {
        if (value is not null)
        {
            layer.Set(key, new RawSetting([value], key.Flag));
        }
    }
}
