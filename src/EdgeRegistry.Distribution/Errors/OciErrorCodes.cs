namespace EdgeRegistry.Distribution.Errors;

/// <summary>The error codes of the OCI distribution spec, plus Distribution's two for cases the spec leaves open.</summary>
internal static class OciErrorCodes
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string BlobUploadInvalid = "BLOB_UPLOAD_INVALID";
    public const string BlobUploadUnknown = "BLOB_UPLOAD_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string SizeInvalid = "SIZE_INVALID";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";

    /// <summary>Distribution's code for a malformed <c>n</c> in tag and catalog listings; the spec names none.</summary>
    public const string PaginationNumberInvalid = "PAGINATION_NUMBER_INVALID";

    /// <summary>Distribution's code for server-side failures (full disk, I/O errors); the spec names none.</summary>
    public const string Unknown = "UNKNOWN";
}
