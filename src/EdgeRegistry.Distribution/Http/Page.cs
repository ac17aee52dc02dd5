using System.Globalization;
using EdgeRegistry.Distribution.Errors;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// <c>n</c>/<c>last</c> pagination over a lexically sorted list, as the spec defines it for tags and the
/// catalog: entries after <c>last</c>, at most <c>n</c> of them, and a Link header when more remain.
/// </summary>
internal static class Page
{
    public static bool TryTake(HttpRequest request, IReadOnlyList<string> sorted, string path,
        out IReadOnlyList<string> page, out ApiError error)
    {
        page = [];
        error = default;
        string? nText = request.Query["n"];
        string? last = request.Query["last"];
        int? limit = null;
        if (!string.IsNullOrEmpty(nText))
        {
            if (!int.TryParse(nText, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                error = ApiErrors.PaginationInvalid(nText);
                return false;
            }
            limit = n;
        }

        int start = 0;
        if (!string.IsNullOrEmpty(last))
        {
            // First entry strictly greater than last (ordinal: the store sorts byte-wise, like Distribution).
            int lo = 0, hi = sorted.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(sorted[mid], last) <= 0) lo = mid + 1; else hi = mid;
            }
            start = lo;
        }
        int available = sorted.Count - start;
        int count = limit is int l ? Math.Min(l, available) : available;
        var items = new string[count];
        for (int i = 0; i < count; i++) items[i] = sorted[start + i];
        page = items;

        if (limit is int max && count == max && count > 0 && start + count < sorted.Count)
        {
            string next = $"<{path}?n={max.ToString(CultureInfo.InvariantCulture)}&last={Uri.EscapeDataString(items[^1])}>; rel=\"next\"";
            request.HttpContext.Response.Headers.Link = next;
        }
        return true;
    }
}
