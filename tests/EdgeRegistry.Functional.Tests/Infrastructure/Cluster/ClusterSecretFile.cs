using System.Security.Cryptography;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>Writes cluster secret files the way the MachineConfig delivers them (mode 0600), or deliberately not.</summary>
internal static class ClusterSecretFile
{
    public static string Create(string path, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }
}
