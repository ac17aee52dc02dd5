using Microsoft.Extensions.Primitives;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// Whether a manifest of a given media type may be served for a request's Accept headers. No Accept, or a
/// wildcard, accepts anything; otherwise the stored type must be listed (the registry never converts
/// manifests, so a client that lists only other types gets MANIFEST_UNKNOWN, as the spec allows).
/// </summary>
internal static class AcceptNegotiation
{
    public static bool Accepts(StringValues accept, string mediaType)
    {
        bool listedAny = false;
        foreach (string? value in accept)
        {
            if (value is null) continue;
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                int comma = rest.IndexOf(',');
                var item = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? default : rest[(comma + 1)..];
                int semicolon = item.IndexOf(';');
                if (semicolon >= 0) item = item[..semicolon];
                item = item.Trim();
                if (item.IsEmpty) continue;
                listedAny = true;
                if (item is "*/*" or "application/*" || item.Equals(mediaType, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return !listedAny;
    }
}
