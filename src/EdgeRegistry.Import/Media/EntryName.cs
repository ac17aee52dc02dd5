namespace EdgeRegistry.Import.Media;

/// <summary>
/// Checks an entry name from the media before anything is derived from it. Names are never used as paths to write
/// (nothing is extracted), but a name that climbs out (<c>..</c>), starts at the root or holds a NUL is hostile or
/// broken media, and is refused with a message rather than silently reinterpreted.
/// </summary>
public static class EntryName
{
    /// <summary>The name with <c>./</c> prefixes, empty and <c>.</c> segments dropped; null with <paramref name="problem"/> when refused.</summary>
    public static string? Normalize(string raw, out string? problem)
    {
        problem = null;
        if (raw.Contains('\0'))
        {
            problem = "the name holds a NUL byte";
            return null;
        }

        if (raw.StartsWith('/'))
        {
            problem = "an absolute path";
            return null;
        }

        var segments = new List<string>();
        foreach (string segment in raw.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                problem = "a path that climbs out with \"..\"";
                return null;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>
    /// Resolves a link target against the directory of the link, staying inside the medium: null (with
    /// <paramref name="problem"/>) for absolute targets and targets that leave the medium's top.
    /// </summary>
    public static string? ResolveLink(string linkName, string target, bool relativeToLink, out string? problem)
    {
        problem = null;
        if (target.StartsWith('/') || target.Contains('\0'))
        {
            problem = $"it points at \"{target}\", outside the medium";
            return null;
        }

        var segments = new List<string>();
        if (relativeToLink)
        {
            int slash = linkName.LastIndexOf('/');
            if (slash > 0) segments.AddRange(linkName[..slash].Split('/'));
        }

        foreach (string segment in target.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    problem = $"it points at \"{target}\", outside the medium";
                    return null;
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }
}
