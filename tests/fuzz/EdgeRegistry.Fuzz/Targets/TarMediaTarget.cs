using EdgeRegistry.Import.Media;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// The tar reader of <c>edgereg import</c> (<see cref="TarMediaSource"/>) with the checks every entry then gets: each
/// entry's name normalized or refused (<see cref="EntryName"/>), a link's target resolved inside the medium or
/// refused, its role classified, and a file's data read to its end. Documented outcomes: the entries, or a
/// <see cref="MediaException"/> that names the archive (damaged or truncated media). Invariants: a name or link that
/// passes never climbs out of the medium or starts at its root; a file's data is never longer than its header says
/// (shorter only where the archive ends: the import's length and digest checks refuse that entry, see
/// ImportSession.Entries).
/// </summary>
internal sealed class TarMediaTarget : FileTarget
{
    public override string Name => "tar";

    protected override string FileName => "mirror_000001.tar";

    protected override void Parse(string path)
    {
        var source = new TarMediaSource(path);
        try
        {
            foreach (var entry in source.Entries())
            {
                if (EntryName.Normalize(entry.Name, out string? problem) is not { } name)
                {
                    FuzzFinding.Check(problem is { Length: > 0 }, $"a refused name without a reason: {entry.Name}");
                    continue;
                }
                FuzzFinding.Check(!IsOutside(name), $"a name that leaves the medium passed: {entry.Name} -> {name}");
                _ = EntryClassifier.Classify(name);
                if (entry.LinkName is { } link && entry.Kind is MediaEntryKind.HardLink or MediaEntryKind.SymbolicLink)
                {
                    var resolved = EntryName.ResolveLink(name, link, relativeToLink: entry.Kind == MediaEntryKind.SymbolicLink, out string? linkProblem);
                    FuzzFinding.Check(resolved is null ? linkProblem is { Length: > 0 } : !IsOutside(resolved),
                        $"link {entry.Name} -> {link}: resolved to {resolved ?? "(refused without a reason)"}");
                }
                if (entry.Kind == MediaEntryKind.File) ReadToEnd(entry);
            }
        }
        catch (MediaException e)
        {
            FuzzFinding.Check(e.Message.Contains(path, StringComparison.Ordinal), $"a media error that does not name the archive: {e.Message}");
        }
    }

    private static bool IsOutside(string name) =>
        name.StartsWith('/') || name.Split('/').Contains("..") || name.Contains('\0');

    /// <summary>Reads the entry's data to its end; an <see cref="IOException"/> is the import's truncated medium.</summary>
    private static void ReadToEnd(MediaEntry entry)
    {
        using var body = entry.OpenBody();
        var buffer = new byte[64 * 1024];
        long read = 0;
        try
        {
            for (int n; (n = body.Read(buffer)) > 0;) read += n;
        }
        catch (IOException)
        {
            return;
        }
        FuzzFinding.Check(read <= entry.Length, $"{entry.Name}: {read} bytes of data, the header says {entry.Length}");
    }
}
