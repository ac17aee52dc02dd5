using System.Text.RegularExpressions;

namespace EdgeRegistry.Import.Media;

/// <summary>
/// Turns the paths an operator names into sources, in the order they must be read: a tar file is an archive; a
/// directory holding oc-mirror archives (<c>mirror_000001.tar</c>, <c>mirror_seq1_000000.tar</c>) is those archives in
/// sequence order; any other directory is a tree (`oc` file://, OCI layout, dir:).
/// </summary>
public static partial class MediaLocator
{
    public static IReadOnlyList<IMediaSource> Locate(IEnumerable<string> paths)
    {
        var sources = new List<IMediaSource>();
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                sources.Add(new TarMediaSource(path));
            }
            else if (Directory.Exists(path))
            {
                var archives = Directory.EnumerateFiles(path)
                    .Where(static file => ArchiveName().IsMatch(Path.GetFileName(file)))
                    .OrderBy(static file => SequenceKey(Path.GetFileName(file)))
                    .ToList();
                if (archives.Count > 0) sources.AddRange(archives.Select(static file => new TarMediaSource(file)));
                else sources.Add(new DirectoryMediaSource(path));
            }
            else
            {
                throw new MediaException($"{path}: no such file or directory");
            }
        }

        return sources;
    }

    /// <summary>(sequence, part): v2 archives have one sequence; v1 names theirs.</summary>
    private static (int, int) SequenceKey(string name)
    {
        var match = ArchiveName().Match(name);
        int sequence = match.Groups["seq"].Success ? int.Parse(match.Groups["seq"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (sequence, int.Parse(match.Groups["part"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^mirror_(seq(?<seq>[0-9]+)_)?(?<part>[0-9]{6})\.tar$")]
    private static partial Regex ArchiveName();
}
