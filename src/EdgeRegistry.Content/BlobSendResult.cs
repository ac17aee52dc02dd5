namespace EdgeRegistry.Content;

/// <summary>How sending a <see cref="BlobBody"/> ended.</summary>
public enum BlobSendResult
{
    /// <summary>Every byte was sent and the digest verified.</summary>
    Complete,
    /// <summary>The source failed or its bytes did not verify: the response must be cut, never completed.</summary>
    SourceFailed,
    /// <summary>The client stopped reading; the source finishes its copy on its own.</summary>
    ClientGone,
}
