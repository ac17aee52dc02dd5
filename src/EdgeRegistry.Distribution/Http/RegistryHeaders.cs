using EdgeRegistry.Content;
using Microsoft.Extensions.Primitives;

namespace EdgeRegistry.Distribution.Http;

/// <summary>Header names and constant values of the distribution API, allocated once.</summary>
internal static class RegistryHeaders
{
    public const string ApiVersion = "Docker-Distribution-API-Version";
    public const string ContentDigest = ContentHeaders.ContentDigest;
    public const string UploadUuid = "Docker-Upload-UUID";
    public const string OciSubject = "OCI-Subject";
    public const string OciFiltersApplied = "OCI-Filters-Applied";
    public const string OciTag = "OCI-Tag";
    public const string Range = "Range";

    public static readonly StringValues ApiVersionValue = new("registry/2.0");
    public static readonly StringValues BasicChallenge = new("Basic realm=\"edgereg\"");
    public static readonly StringValues OctetStream = ContentHeaders.OctetStream;
    public static readonly StringValues Json = new("application/json");
    public static readonly StringValues BytesUnit = ContentHeaders.BytesUnit;

    /// <summary>The upload range header value for <paramref name="length"/> bytes received: "0-(n-1)", and "0-0" while empty, as Distribution sends.</summary>
    public static string UploadRange(long length) => "0-" + Math.Max(0, length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
