using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>The settings issue 5 requires of edgereg.service, read from the unit the MachineConfig installs.</summary>
public sealed class UnitSettingsTests
{
    [Theory]
    [InlineData("Unit", "Before", "kubelet-dependencies.target crio.service kubelet.service")]
    [InlineData("Unit", "After", "network-online.target")]
    [InlineData("Unit", "Wants", "network-online.target")]
    [InlineData("Service", "Type", "notify")]
    [InlineData("Service", "ExecStart", "/usr/local/bin/edgereg serve --config /etc/edgereg/config.json")]
    [InlineData("Service", "EnvironmentFile", "-/etc/edgereg/tls.env")]
    [InlineData("Service", "Restart", "always")]
    [InlineData("Service", "WatchdogSec", "30")]
    [InlineData("Service", "MemoryHigh", "200M")]
    [InlineData("Service", "MemoryMax", "300M")]
    [InlineData("Service", "ProtectSystem", "strict")]
    [InlineData("Service", "ReadWritePaths", "/var/local-registry /run/edgereg /etc/edgereg")]
    [InlineData("Service", "NoNewPrivileges", "true")]
    [InlineData("Service", "PrivateTmp", "true")]
    [InlineData("Install", "WantedBy", "kubelet-dependencies.target multi-user.target")]
    public void UnitFile_InMasterMachineConfig_HasRequiredSetting(string section, string key, string value)
    {
        var settings = UnitSettings("master");

        Assert.Contains((section, key, value), settings);
    }

    [Fact]
    public void UnitFile_InMasterMachineConfig_NeverRequiresOrSkipsSilently()
    {
        var keys = UnitSettings("master").Select(setting => setting.Key).ToList();

        // Requires=/RequiredBy= would let a broken registry keep the kubelet down; a Condition would skip the
        // unit without a word when the binary is missing.
        Assert.DoesNotContain(keys, key => key is "Requires" or "RequiredBy" or "BindsTo" || key.StartsWith("Condition", StringComparison.Ordinal));
        Assert.Contains("ExecStartPre", keys);
    }

    [Theory]
    [InlineData("Unit", "Before", "edgereg.service")]
    [InlineData("Service", "Type", "oneshot")]
    [InlineData("Service", "EnvironmentFile", "-/etc/edgereg/bootstrap.env")]
    [InlineData("Service", "ExecStart", "/usr/local/bin/edgereg-bootstrap")]
    [InlineData("Install", "WantedBy", "edgereg.service")]
    public void BootstrapUnit_InMasterMachineConfig_HasRequiredSetting(string section, string key, string value)
    {
        Assert.Contains((section, key, value), UnitSettings("master", "edgereg-bootstrap.service"));
    }

    [Fact]
    public void BootstrapUnit_InMasterMachineConfig_RunsAgainBeforeEveryStart()
    {
        // Without RemainAfterExit a oneshot is inactive after it ran, so every restart of edgereg.service
        // (which wants it) runs it again: a replaced node heals once any peer holds the pinned binary.
        Assert.DoesNotContain(UnitSettings("master", "edgereg-bootstrap.service"), setting => setting.Key == "RemainAfterExit");
    }

    private static List<(string Section, string Key, string Value)> UnitSettings(string role, string name = "edgereg.service")
    {
        var unit = Assert.Single(MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).Units, unit => unit.Name == name);
        var settings = new List<(string, string, string)>();
        var section = string.Empty;
        foreach (var line in unit.Contents.Split('\n'))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
            }
            else if (line.IndexOf('=') is var equals and > 0)
            {
                settings.Add((section, line[..equals], line[(equals + 1)..]));
            }
        }

        return settings;
    }
}
