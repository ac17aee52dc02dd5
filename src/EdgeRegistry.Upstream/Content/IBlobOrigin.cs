using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Upstream.Content;

/// <summary>Where a blob missing everywhere in the cluster can come from: an upstream registry, or the member that fetches it from one.</summary>
internal interface IBlobOrigin
{
    string Name { get; }

    /// <summary>The blob from byte <paramref name="from"/> (a Range when above 0); null when this origin cannot serve it now.</summary>
    Task<OpenedBlob?> OpenAsync(Digest digest, long from, CancellationToken cancellationToken);
}
