namespace EdgeRegistry.Configuration;

/// <summary>
/// Checks before start-up that the store root is a directory the registry can write, creating it when
/// missing, so a wrong path or permission fails at once rather than on the first push.
/// </summary>
internal static class RootDirectoryCheck
{
    public static string? Check(string root)
    {
        if (File.Exists(root))
        {
            return "is a file, not a directory";
        }

        try
        {
            Directory.CreateDirectory(root);
            // Creating and removing a file proves write access in a way permission bits alone do not
            // (read-only mounts, ACLs, SELinux labels).
            var probe = Path.Combine(root, $".edgereg-write-check-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot use as store root: {e.Message}";
        }
    }
}
