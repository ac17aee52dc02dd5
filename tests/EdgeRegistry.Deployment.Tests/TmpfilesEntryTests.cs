using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>The store root and runtime directory come from tmpfiles.d, since Butane rejects storage.directories.</summary>
public sealed class TmpfilesEntryTests
{
    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void TmpfilesEntry_InMachineConfig_CreatesStoreAndRuntimeDirectoriesOwnedByRoot(string role)
    {
        var entry = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).FileAt("/etc/tmpfiles.d/edgereg.conf");

        var lines = entry.Contents.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        Assert.Equal(
            new[]
            {
                new[] { "d", "/var/local-registry", "0750", "root", "root", "-" },
                new[] { "d", "/run/edgereg", "0750", "root", "root", "-" },
            },
            lines);
    }
}
