using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Errors;

/// <summary>The one place where store outcomes become HTTP statuses and OCI codes.</summary>
internal static class StoreErrorMap
{
    public static ApiError ToApiError(StoreException exception) => exception.Error switch
    {
        StoreError.BlobUnknown => Of(StatusCodes.Status404NotFound, OciErrorCodes.BlobUnknown, exception),
        StoreError.UploadUnknown => Of(StatusCodes.Status404NotFound, OciErrorCodes.BlobUploadUnknown, exception),
        StoreError.UploadOutOfOrder => Of(StatusCodes.Status416RangeNotSatisfiable, OciErrorCodes.BlobUploadInvalid, exception),
        StoreError.UploadInvalid => Of(StatusCodes.Status400BadRequest, OciErrorCodes.BlobUploadInvalid, exception),
        StoreError.DigestMismatch => Of(StatusCodes.Status400BadRequest, OciErrorCodes.DigestInvalid, exception),
        StoreError.ManifestUnknown => Of(StatusCodes.Status404NotFound, OciErrorCodes.ManifestUnknown, exception),
        StoreError.ManifestInvalid => Of(StatusCodes.Status400BadRequest, OciErrorCodes.ManifestInvalid, exception),
        StoreError.ManifestBlobUnknown => Of(StatusCodes.Status400BadRequest, OciErrorCodes.ManifestBlobUnknown, exception),
        StoreError.TooLarge => Of(StatusCodes.Status413PayloadTooLarge, OciErrorCodes.SizeInvalid, exception),
        StoreError.RepositoryUnknown => Of(StatusCodes.Status404NotFound, OciErrorCodes.NameUnknown, exception),
        // Server-side failures: the store's message may name internal paths, so clients get a fixed text.
        StoreError.StorageFull => new ApiError(StatusCodes.Status507InsufficientStorage, OciErrorCodes.Unknown,
            "the registry's storage is full; nothing was stored and existing content is intact"),
        // The guard's message names the limit and the numbers and never a path: the client gets it as it is.
        StoreError.SpaceLimit => Of(StatusCodes.Status507InsufficientStorage, OciErrorCodes.Denied, exception),
        StoreError.IoFailure => new ApiError(StatusCodes.Status500InternalServerError, OciErrorCodes.Unknown,
            "the registry's storage failed to complete the operation; nothing was stored"),
        _ => ApiErrors.Internal,
    };

    private static ApiError Of(int status, string code, StoreException exception) =>
        new(status, code, exception.Message, exception.Detail);
}
