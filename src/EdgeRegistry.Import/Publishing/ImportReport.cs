namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// What an import did (or, with <see cref="DryRun"/>, would do): the summary `edgereg import` prints and, with
/// <c>--json</c>, its stable schema (<see cref="SchemaVersion"/> 1, documented in the README).
/// </summary>
public sealed record ImportReport
{
    public int SchemaVersion { get; init; } = 1;

    public bool DryRun { get; init; }

    /// <summary>False when the import stopped early (damaged medium, full disk, interrupted); a re-run resumes.</summary>
    public bool Completed { get; init; }

    public string[] Sources { get; init; } = [];

    public int Repositories { get; init; }

    public int ManifestsImported { get; init; }

    public int ManifestsPresent { get; init; }

    public int TagsSet { get; init; }

    public int TagsPresent { get; init; }

    public int BlobsImported { get; init; }

    public long BlobBytesImported { get; init; }

    /// <summary>Blobs already in the store, skipped without reading them from the medium.</summary>
    public int BlobsPresent { get; init; }

    public long BlobBytesPresent { get; init; }

    /// <summary>Blobs the medium left out (a differential archive) and the store lacked, copied from the cluster's peers.</summary>
    public int BlobsFetched { get; init; }

    public long BlobBytesFetched { get; init; }

    /// <summary>Bytes of the blobs that are (or, in a dry run, would be) written to the store.</summary>
    public long BytesNeeded { get; init; }

    public ImportedManifest[] Manifests { get; init; } = [];

    /// <summary>Cluster resource files found on the medium (oc-mirror v2 cluster-resources, release signatures).</summary>
    public string[] Resources { get; init; } = [];

    public ImportProblem[] Problems { get; init; } = [];
}

/// <summary>One manifest of the medium and what happened to it: imported, present, would-import, skipped.</summary>
public sealed record ImportedManifest(string Repository, string Digest, string[] Tags, string State);
