using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>Validation of the path's trailing reference before it reaches the store.</summary>
internal static class References
{
    /// <summary>A manifest reference is a digest or a tag; a string with ':' that is no digest gets DIGEST_INVALID.</summary>
    public static bool IsValidManifestReference(string reference, out ApiError error)
    {
        error = default;
        if (Digest.TryParse(reference, out _)) return true;
        if (reference.Contains(':'))
        {
            error = ApiErrors.DigestInvalid(reference);
            return false;
        }
        if (!Tag.IsValid(reference))
        {
            error = ApiErrors.TagInvalid(reference);
            return false;
        }
        return true;
    }

    /// <summary>Upload ids are ours (GUIDs); anything else cannot name an upload, and must not reach a path.</summary>
    public static bool IsWellFormedUploadId(string id)
    {
        if (id.Length is 0 or > 64) return false;
        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        }
        return true;
    }
}
