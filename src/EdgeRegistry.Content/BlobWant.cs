namespace EdgeRegistry.Content;

/// <summary>What the client asked of a blob the local store lacks; a source answers each differently.</summary>
public enum BlobWant
{
    /// <summary>A HEAD: the length is enough (a source may start copying the blob meanwhile).</summary>
    Length,
    /// <summary>A GET of the whole blob: the source may stream it while it stores it.</summary>
    Whole,
    /// <summary>A GET with a Range: served from the store once the source has copied the whole blob there.</summary>
    Range,
    /// <summary>
    /// The agent's own import of a blob a differential medium left out: the whole blob copied into the store and
    /// linked into the repository, which the cluster may not know yet (the medium brings it), from whichever source
    /// holds the bytes under any repository. Only the import endpoint (status socket, root) asks this.
    /// </summary>
    Copy,
}
