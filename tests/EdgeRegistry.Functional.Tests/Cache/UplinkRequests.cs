using System.Text.RegularExpressions;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>
/// The registry requests for one repository that an upstream's access log (Distribution's, in combined log format)
/// shows edgereg sent over the uplink (by its User-Agent: the test's own pushes with skopeo HEAD blobs too): method,
/// kind (<c>blobs</c> or <c>manifests</c>), reference and status, so a test can bound each kind — and each blob —
/// separately.
/// </summary>
internal sealed class UplinkRequests
{
    private readonly List<(string Method, string Kind, string Reference, int Status)> _requests;

    private UplinkRequests(List<(string Method, string Kind, string Reference, int Status)> requests) => _requests = requests;

    public static UplinkRequests From(string accessLog, string repository) =>
        new(Regex.Matches(accessLog, $"\"(GET|HEAD) /v2/{Regex.Escape(repository)}/(blobs|manifests)/([^ \"?]+) HTTP/1.1\" ([0-9]{{3}}) [0-9-]+ \"[^\"]*\" \"edgereg/")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList());

    /// <summary>How many requests of the method and kind (any status unless <paramref name="status"/> is given).</summary>
    public int Count(string method, string kind, int? status = null) =>
        _requests.Count(r => r.Method == method && r.Kind == kind && (status is null || r.Status == status));

    /// <summary>The most requests of the method and kind for any one reference (0 when there were none).</summary>
    public int MostForOneReference(string method, string kind) =>
        _requests.Where(r => r.Method == method && r.Kind == kind).GroupBy(r => r.Reference).Select(g => g.Count()).DefaultIfEmpty(0).Max();

    /// <summary>Asserts that no blob was asked for more than once with HEAD, nor fetched more than once with GET.</summary>
    public void AssertEachBlobAtMostOnce(string context)
    {
        foreach (var method in new[] { "HEAD", "GET" })
        {
            int most = MostForOneReference(method, "blobs");
            Assert.True(most <= 1, $"a blob was asked {most} times with {method} over the uplink ({this})\n{context}");
        }
    }

    /// <summary>
    /// Asserts that edgereg fetched each of the image's blobs over the uplink exactly once, and asked for none more than
    /// once with HEAD (its complete-or-404 checks); returns what it counted, for the test's own further bounds.
    /// </summary>
    public static UplinkRequests AssertBlobsCrossedOnce(string accessLog, string repository, GeneratedImage image, string context)
    {
        var requests = From(accessLog, repository);
        int gets = requests.Count("GET", "blobs");
        int blobs = image.ReferencedBlobs.Count();
        Assert.True(gets == blobs, $"{gets} blob GETs crossed the uplink for {blobs} blobs ({requests})\n{context}");
        requests.AssertEachBlobAtMostOnce(context);
        return requests;
    }

    public override string ToString() =>
        $"blob HEAD {Count("HEAD", "blobs")}, blob GET {Count("GET", "blobs")}, manifest HEAD {Count("HEAD", "manifests")}, manifest GET {Count("GET", "manifests")}";
}
