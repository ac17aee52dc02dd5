namespace EdgeRegistry.Content;

/// <summary>How a source answered for a blob the local store lacked (see <see cref="BlobLookup"/>).</summary>
public enum BlobOutcome
{
    /// <summary>The blob is in the local store now (copied, or linked from another repository): open it from there.</summary>
    Local,
    /// <summary>The source holds it and knows its length; nothing was copied yet (the answer to <see cref="BlobWant.Length"/>).</summary>
    Elsewhere,
    /// <summary>The source streams it: <see cref="BlobLookup.Body"/> yields verified bytes.</summary>
    Streaming,
    /// <summary>The source does not have it: the next source is asked, and after the last the client gets 404.</summary>
    Missing,
    /// <summary>The source could not answer (its store or its transfer failed before anything was sent): as missing, but counted apart.</summary>
    Failed,
}
