namespace EdgeRegistry.Replication.Security;

/// <summary>
/// Reads the cluster secret that peers authenticate with. The file is delivered by a MachineConfig with mode
/// 0600; a secret anyone on the node can read is refused, as is one too short to resist guessing.
/// </summary>
public static class ClusterSecret
{
    /// <summary>128 bits: `head -c 32 /dev/urandom | base64` gives far more.</summary>
    public const int MinimumBytes = 16;

    public static (byte[]? Secret, string? Problem) Load(string path)
    {
        if (!File.Exists(path)) return (null, $"cluster secret file {path} does not exist (a clustered node needs it; see README)");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                return (null, $"cluster secret file {path} is readable by group or others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
            }
        }
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cluster secret file {path} cannot be read: {e.Message}");
        }
        var trimmed = content.AsSpan().Trim("\r\n\t "u8).ToArray();
        return trimmed.Length < MinimumBytes
            ? (null, $"cluster secret in {path} is {trimmed.Length} bytes; at least {MinimumBytes} are needed")
            : (trimmed, null);
    }
}
