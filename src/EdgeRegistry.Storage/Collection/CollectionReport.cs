namespace EdgeRegistry.Storage.Collection;

/// <summary>What one collection deleted (or, in a dry run, would delete), in total and per repository.</summary>
public sealed record CollectionReport
{
    public required bool DryRun { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required TimeSpan Duration { get; init; }
    public required string Reason { get; init; }
    public int ManifestsDeleted { get; init; }
    public int TagsDeleted { get; init; }
    public int BlobsDeleted { get; init; }
    public long BytesReclaimed { get; init; }

    /// <summary>Objects that qualified but were in use (leased, pulled or written during the run), kept for the next run.</summary>
    public int KeptInUse { get; init; }

    /// <summary>Manifests and tags that qualified but were not deleted because the cluster view is not settled for them (see <see cref="ClusterRoots"/>).</summary>
    public int Deferred { get; init; }

    /// <summary>Why part of the collection did not run (e.g. an unreadable manifest stopped the blob sweep).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Per repository, in lexical order; blobs count under the repositories that linked them.</summary>
    public IReadOnlyList<RepositoryCollection> Repositories { get; init; } = [];
}

/// <summary>One repository's share of a <see cref="CollectionReport"/>.</summary>
public sealed record RepositoryCollection(string Repository, int Manifests, int Tags, int Blobs, long Bytes);
