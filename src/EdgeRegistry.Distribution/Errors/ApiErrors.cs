using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Errors;

/// <summary>The errors the HTTP layer raises itself (request validation), each with its spec status.</summary>
internal static class ApiErrors
{
    public static ApiError NameInvalid(string name) =>
        new(StatusCodes.Status400BadRequest, OciErrorCodes.NameInvalid, "invalid repository name", name);

    public static ApiError DigestInvalid(string? digest, string message = "invalid or unsupported digest") =>
        new(StatusCodes.Status400BadRequest, OciErrorCodes.DigestInvalid, message, digest);

    public static ApiError TagInvalid(string reference) =>
        new(StatusCodes.Status400BadRequest, OciErrorCodes.ManifestInvalid, "invalid tag", reference);

    public static ApiError BlobUnknown(string digest) =>
        new(StatusCodes.Status404NotFound, OciErrorCodes.BlobUnknown, "blob unknown to registry", digest);

    public static ApiError ManifestUnknown(string reference) =>
        new(StatusCodes.Status404NotFound, OciErrorCodes.ManifestUnknown, "manifest unknown", reference);

    public static ApiError NameUnknown(string name) =>
        new(StatusCodes.Status404NotFound, OciErrorCodes.NameUnknown, "repository name not known to registry", name);

    public static ApiError UploadUnknown(string id) =>
        new(StatusCodes.Status404NotFound, OciErrorCodes.BlobUploadUnknown, "blob upload unknown to registry", id);

    public static ApiError UploadInvalid(string message) =>
        new(StatusCodes.Status400BadRequest, OciErrorCodes.BlobUploadInvalid, message);

    public static ApiError RangeNotSatisfiable(string message) =>
        new(StatusCodes.Status416RangeNotSatisfiable, OciErrorCodes.BlobUploadInvalid, message);

    public static ApiError ManifestTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, OciErrorCodes.SizeInvalid, $"the manifest exceeds the limit of {limit} bytes");

    public static ApiError PaginationInvalid(string value) =>
        new(StatusCodes.Status400BadRequest, OciErrorCodes.PaginationNumberInvalid, "n must be a non-negative integer", value);

    public static ApiError Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, OciErrorCodes.Unauthorized, message);

    public static readonly ApiError EndpointUnknown =
        new(StatusCodes.Status404NotFound, OciErrorCodes.Unsupported, "no such endpoint in the distribution API");

    public static readonly ApiError MethodNotAllowed =
        new(StatusCodes.Status405MethodNotAllowed, OciErrorCodes.Unsupported, "the method is not supported on this endpoint");

    public static readonly ApiError Internal =
        new(StatusCodes.Status500InternalServerError, OciErrorCodes.Unknown, "internal server error");
}
