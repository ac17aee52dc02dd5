using Microsoft.Extensions.Primitives;

namespace EdgeRegistry.Content;

/// <summary>The headers of a blob body, named once for the distribution API and the peer API alike.</summary>
public static class ContentHeaders
{
    public const string ContentDigest = "Docker-Content-Digest";

    public static readonly StringValues OctetStream = new("application/octet-stream");
    public static readonly StringValues BytesUnit = new("bytes");

    /// <summary>Content is addressed by digest and never changes: caches may keep it for a year.</summary>
    public static readonly StringValues Immutable = new("max-age=31536000");

    /// <summary>The strong entity tag of content addressed by <paramref name="digest"/>: the quoted digest.</summary>
    public static string ETag(string digest) => "\"" + digest + "\"";
}
