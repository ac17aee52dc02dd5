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
        return layer;
    }

    private static void SetScalar(SettingLayer layer, SettingKey key, string? value)
    {
        if (value is not null)
        {
            layer.Set(key, new RawSetting([value], key.Flag));
        }
    }
}
