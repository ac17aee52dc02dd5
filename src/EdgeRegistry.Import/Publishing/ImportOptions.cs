using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>How one import runs.</summary>
public sealed record ImportOptions
{
    /// <summary>
    /// The repository (and tag) for layouts that do not name one: an OCI layout or oci-archive, a dir: layout.
    /// </summary>
    public RepositoryName? Repository { get; init; }

    public string? Tag { get; init; }

    /// <summary>Report what would be imported and the space it needs; write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>The store's manifest size limit: larger manifest files are refused, smaller JSON blobs are kept in memory as manifest candidates.</summary>
    public int MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Resource files (cluster resources, signatures) larger than this are refused: they are small YAML/JSON.</summary>
    public int MaxResourceBytes { get; init; } = 16 * 1024 * 1024;
}
