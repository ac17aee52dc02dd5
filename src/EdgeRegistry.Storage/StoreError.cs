namespace EdgeRegistry.Storage;

/// <summary>
/// What went wrong in a store operation, in the store's own terms. The HTTP layer maps each to an OCI
/// error code and status in exactly one place; the store never knows about HTTP.
/// </summary>
public enum StoreError
{
    BlobUnknown,
    UploadUnknown,
    /// <summary>A chunk does not start where the upload currently ends (out of order or overlapping).</summary>
    UploadOutOfOrder,
    /// <summary>Upload content was malformed, e.g. a declared length that does not match the body.</summary>
    UploadInvalid,
    DigestMismatch,
    ManifestUnknown,
    ManifestInvalid,
    /// <summary>A manifest references a blob or child manifest that the repository does not hold.</summary>
    ManifestBlobUnknown,
    /// <summary>A manifest or blob exceeds a configured size limit.</summary>
    TooLarge,
    RepositoryUnknown,
    /// <summary>The disk (or quota) is full; nothing already stored was touched.</summary>
    StorageFull,
    /// <summary>
    /// The disk guard refused the write (`--min-free` or `--max-store-bytes`): nothing was stored, existing content is
    /// intact, and the message names the limit and the numbers (no paths), for the client.
    /// </summary>
    SpaceLimit,
    /// <summary>An I/O error other than a full disk; nothing already stored was touched.</summary>
    IoFailure,
}

/// <summary>A store operation that could not complete; <see cref="Error"/> says why, <see cref="Exception.Message"/> says it for a person.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public StoreError Error { get; }

    /// <summary>Optional machine-readable detail (e.g. the unknown digest) for the error body.</summary>
    public string? Detail { get; init; }
}
