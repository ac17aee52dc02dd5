using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>The MCO hands spec.config to Ignition on a new node: Ignition's own validator must accept it.</summary>
public sealed class IgnitionValidationTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void IgnitionValidate_SpecConfigAsJson_ReportsNothing(string role)
    {
        var validator = ToolRun.Require("/usr/bin/ignition-validate", "ignition");
        var machineConfig = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role));
        using var temp = new TempDirectory();
        var configPath = temp.Combine($"{role}.ign");
        File.WriteAllText(configPath, IgnitionJson.FromYaml(machineConfig.IgnitionConfig));

        var run = ToolRun.Execute(validator, [configPath], temp.Path, ToolTimeout);

        Assert.True(run.ExitCode == 0 && run.Combined.Length == 0, $"ignition-validate exit {run.ExitCode}: {run.Combined}");
    }

    [Fact]
    public void IgnitionValidate_ModeAsString_FailsValidation()
    {
        // Proves the validator really checks types: the passing test above would mean nothing otherwise.
        var validator = ToolRun.Require("/usr/bin/ignition-validate", "ignition");
        using var temp = new TempDirectory();
        var configPath = temp.Combine("broken.ign");
        File.WriteAllText(configPath, """{"ignition":{"version":"3.2.0"},"storage":{"files":[{"path":"/etc/x","mode":"0644"}]}}""");

        var run = ToolRun.Execute(validator, [configPath], temp.Path, ToolTimeout);

        Assert.NotEqual(0, run.ExitCode);
    }
}
