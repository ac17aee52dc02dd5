using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Media;

/// <summary>What an entry of the media means for the registry, decided from its name alone (see <see cref="EntryClassifier"/>).</summary>
public abstract record EntryRole;

/// <summary>Blob data named by its digest (every format keeps blobs under their digest).</summary>
public sealed record BlobRole(Digest Digest) : EntryRole;

/// <summary>
/// A manifest's bytes as a file of its own (`oc` and oc-mirror v1 `manifests/sha256:…`, dir: `manifest.json`), in
/// <see cref="Repository"/> (null: the operator's <c>--repository</c>). <see cref="Digest"/> is null when the name
/// does not say it (dir: <c>manifest.json</c>, a tag file): it is computed from the bytes. <see cref="Tag"/> is the tag
/// the file itself stands for, if any. <see cref="Listed"/> says whether the manifest is imported for its own sake or
/// only as the child of an index the medium also holds.
/// </summary>
public sealed record ManifestFileRole(RepositoryName? Repository, Digest? Digest, string? Tag, bool Listed) : EntryRole;

/// <summary>Distribution's revision link: <see cref="Repository"/> holds manifest <see cref="Digest"/>.</summary>
public sealed record RevisionLinkRole(RepositoryName Repository, Digest Digest) : EntryRole;

/// <summary>
/// A tag: Distribution's <c>_manifests/tags/&lt;tag&gt;/current/link</c> (the digest is the file's content) or a
/// `manifests/&lt;tag&gt;` symbolic link of the `oc` and oc-mirror v1 trees (the digest is the link's target).
/// </summary>
public sealed record TagRole(RepositoryName Repository, string Tag) : EntryRole;

/// <summary>An OCI layout's top-level <c>index.json</c>: its manifests, tagged by their ref.name annotations.</summary>
public sealed record OciIndexRole : EntryRole;

/// <summary>A cluster resource the operator applies after the import (oc-mirror v2 cluster-resources, release signatures).</summary>
public sealed record ResourceRole(string FileName) : EntryRole;

/// <summary>Anything else (metadata, working files, directories): not needed for the import.</summary>
public sealed record IgnoredRole : EntryRole
{
    public static readonly IgnoredRole Instance = new();
}
