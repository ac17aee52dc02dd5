using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>
/// The <c>tag</c> query parameters of a manifest push (distribution-spec main: a push by digest may name tags to
/// point at it, answered with one <c>OCI-Tag</c> header each). All are checked before anything is stored, so a
/// push with one bad tag stores nothing.
/// </summary>
internal static class PushTags
{
    public const string Parameter = "tag";

    /// <summary>The distinct tags to set, in request order; an error for a tag that is invalid or names no digest push.</summary>
    public static bool TryRead(IQueryCollection query, string reference, out string[] tags, out ApiError error)
    {
        error = default;
        tags = [];
        if (!query.TryGetValue(Parameter, out var values) || values.Count == 0) return true;
        if (!Digest.TryParse(reference, out _))
        {
            // A push to a tag already names its tag; more by parameter would make the answer ambiguous.
            error = new ApiError(StatusCodes.Status400BadRequest, OciErrorCodes.ManifestInvalid,
                "tag parameters are only allowed on a push by digest", reference);
            return false;
        }
        var distinct = new List<string>(values.Count);
        foreach (string? tag in values)
        {
            if (tag is null || !Tag.IsValid(tag))
            {
                error = ApiErrors.TagInvalid(tag ?? "");
                return false;
            }
            if (!distinct.Contains(tag, StringComparer.Ordinal)) distinct.Add(tag);
        }
        tags = [.. distinct];
        return true;
    }
}
