using System.Globalization;

namespace EdgeRegistry.Storage.Durability;

/// <summary>
/// The file system the store lives on, as the kernel reports it (<c>/proc/self/mountinfo</c>), and whether the store's
/// durability argument holds on it. Every publish is one rename made durable by one shared fsync of the temp directory
/// (<see cref="DurableFiles"/>), which relies on a journal that commits renames in order: true of xfs (RHCOS's root)
/// and journaled ext4, not of ext4 made without a journal, and meaningless on tmpfs, where a power cut loses
/// everything. Operators copy disks and re-create file systems by hand at remote sites; this is how they learn that
/// the store they made cannot keep what it acknowledges.
/// </summary>
public sealed record StoreFileSystem(string MountPoint, string Type, string Device, bool? Journaled)
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>Why acknowledged writes may not survive a power cut here; null when the store's guarantees hold (or cannot be judged).</summary>
    public string? DurabilityProblem => Type switch
    {
        "tmpfs" or "ramfs" => $"the store is on {Type}, in memory: everything in it is lost at a reboot or power cut",
        "ext4" or "ext3" when Journaled == false =>
            $"{Type} on {Device} has no journal: after a power cut, objects the registry acknowledged may be missing and the file system needs fsck",
        "ext2" => $"ext2 on {Device} has no journal: after a power cut, acknowledged objects may be missing and the file system needs fsck",
        "vfat" or "msdos" or "exfat" => $"{Type} on {Device} has no journal and no atomic rename guarantee: a power cut can corrupt the store",
        "nfs" or "nfs4" or "cifs" or "smb3" => $"the store is on a network file system ({Type}): its fsync and rename guarantees depend on the server",
        _ => null,
    };

    /// <summary>"xfs on /dev/vda4 at /var (journaled)": for the log line and <c>edgereg status</c>.</summary>
    public string Describe() => $"{Type} on {Device} at {MountPoint}" + Journaled switch
    {
        true => " (journaled)",
        false => " (no journal)",
        null => "",
    };

    /// <summary>The file system holding <paramref name="path"/>; null where the kernel's mount table cannot be read (not Linux).</summary>
    public static StoreFileSystem? Detect(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(MountInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return FromMountInfo(text, ResolvedPath(path), JournalOfBlockDevice);
    }

    /// <summary>
    /// The mount with the longest mount point that contains <paramref name="path"/> (the last such line wins: a later
    /// mount over the same point hides the earlier one). <paramref name="journalOf"/> answers for ext3/ext4 whether
    /// the device "major:minor" has a journal.
    /// </summary>
    internal static StoreFileSystem? FromMountInfo(string mountInfo, string path, Func<string, bool?> journalOf)
    {
        StoreFileSystem? best = null;
        string? bestDevice = null;
        foreach (string line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mount-point options [optional fields...] - type source super-options
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 5 || separator + 2 >= fields.Length) continue;
            string mountPoint = Unescape(fields[4]);
            if (!Contains(mountPoint, path)) continue;
            if (best is not null && mountPoint.Length < best.MountPoint.Length) continue;
            best = new StoreFileSystem(mountPoint, fields[separator + 1], Unescape(fields[separator + 2]), null);
            bestDevice = fields[2];
        }
        if (best is null) return null;
        bool? journaled = best.Type switch
        {
            "ext3" or "ext4" => journalOf(bestDevice!),
            "ext2" or "vfat" or "msdos" or "exfat" => false,
            "xfs" or "btrfs" or "f2fs" or "zfs" or "jfs" or "reiserfs" => true,
            _ => null,
        };
        return best with { Journaled = journaled };
    }

    private static bool Contains(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    /// <summary>mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var result = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();
    }

    /// <summary>The path, through a symbolic link at its deepest existing level (/var/local-registry may be one on some hosts).</summary>
    private static string ResolvedPath(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            for (string? at = full; at is not null; at = Path.GetDirectoryName(at))
            {
                if (!Directory.Exists(at)) continue;
                if (new DirectoryInfo(at).ResolveLinkTarget(returnFinalTarget: true) is not { } target) return full;
                return Path.GetFullPath(Path.Join(target.FullName, Path.GetRelativePath(at, full)));
            }
        }
        catch (IOException)
        {
        }
        return full;
    }

    /// <summary>
    /// jbd2 lists every journal it runs as /proc/fs/jbd2/&lt;device&gt;-&lt;inode&gt; (e.g. "vda4-8"); the device's kernel
    /// name comes from /sys/dev/block/&lt;major:minor&gt;/uevent. Null when either cannot be read.
    /// </summary>
    private static bool? JournalOfBlockDevice(string majorMinor)
    {
        try
        {
            string? name = File.ReadLines($"/sys/dev/block/{majorMinor}/uevent")
                .FirstOrDefault(l => l.StartsWith("DEVNAME=", StringComparison.Ordinal))?["DEVNAME=".Length..];
            if (name is null || !Directory.Exists("/proc/fs")) return null;
            if (!Directory.Exists("/proc/fs/jbd2")) return false;
            return Directory.EnumerateDirectories("/proc/fs/jbd2", name.Replace('/', '!') + "-*").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
