using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Scrub;

/// <summary>What is wrong with a stored object the scrub (or a read) found.</summary>
public enum DamageKind
{
    /// <summary>The bytes do not hash to the digest they are stored under (bit rot, an overwrite).</summary>
    DigestMismatch,

    /// <summary>The file is not as long as a manifest that references it says (truncated, or grown).</summary>
    SizeMismatch,

    /// <summary>A link (a layer of a repository, a manifest revision) names a blob whose <c>data</c> file is gone.</summary>
    MissingData,
}

/// <summary>
/// One damaged blob (a layer, a config or a manifest's bytes: all are blobs in Distribution's layout), after it was
/// taken out of service: its bytes, if any, are in the quarantine, so no read finds them again. The repositories
/// are those whose links name it — where a repair must put it back.
/// </summary>
public sealed record Damage(Digest Digest, DamageKind Kind, string Cause, IReadOnlyList<RepositoryName> LayerOf,
    IReadOnlyList<RepositoryName> ManifestOf, string? QuarantinedAt)
{
    /// <summary>The blob holds a manifest revision's bytes (some repository links it as one).</summary>
    public bool IsManifest => ManifestOf.Count > 0;

    /// <summary>The label metrics and JSON use for <see cref="Kind"/>.</summary>
    public string KindLabel => Label(Kind);

    /// <summary>"manifest sha256:… (apps/web)" or "blob sha256:… (apps/web, apps/api)", for one log line.</summary>
    public string Describe()
    {
        var repositories = (IsManifest ? ManifestOf : LayerOf).Select(static r => r.Value).ToList();
        string where = repositories.Count == 0 ? "linked by no repository" : string.Join(", ", repositories.Take(3)) + (repositories.Count > 3 ? ", …" : "");
        return $"{(IsManifest ? "manifest" : "blob")} {Digest} ({where})";
    }

    public static string Label(DamageKind kind) => kind switch
    {
        DamageKind.DigestMismatch => "digest-mismatch",
        DamageKind.SizeMismatch => "size-mismatch",
        _ => "missing-data",
    };
}
