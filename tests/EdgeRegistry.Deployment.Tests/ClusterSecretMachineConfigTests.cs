using System.Security.Cryptography;
using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>machineconfig/make-secret-mc.sh: the cluster secret's own MachineConfig, rendered from a file that is never committed.</summary>
public sealed class ClusterSecretMachineConfigTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void MakeSecretMc_GeneratedSecret_LaysDownSecretAt0600AndPassesIgnitionValidate(string role)
    {
        using var temp = new TempDirectory();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
        var secretPath = temp.Combine("cluster-secret");
        File.WriteAllText(secretPath, secret);

        var run = ToolRun.Execute("/bin/sh", [Script, role, secretPath], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Error);
        var yamlPath = temp.Combine("secret-mc.yaml");
        File.WriteAllText(yamlPath, run.Output);
        var machineConfig = MachineConfigDocument.Load(yamlPath);

        Assert.Equal($"51-{role}-edgereg-cluster-secret", machineConfig.Name);
        Assert.Equal(role, machineConfig.Role);
        Assert.Equal(new DeployedFile("/etc/edgereg/cluster-secret", 384, true, secret), Assert.Single(machineConfig.Files));
        var ignitionPath = temp.Combine("secret.ign");
        File.WriteAllText(ignitionPath, IgnitionJson.FromYaml(machineConfig.IgnitionConfig));
        var validation = ToolRun.Execute(ToolRun.Require("/usr/bin/ignition-validate", "ignition"), [ignitionPath], temp.Path, ToolTimeout);
        Assert.True(validation.ExitCode == 0 && validation.Combined.Length == 0, $"ignition-validate: {validation.Combined}");
    }

    [Theory]
    [InlineData("master", "missing-file", "not a readable file")]
    [InlineData("Master!", "secret", "expected a pool name")]
    [InlineData("master", "short", "expected 16 to 4096")]
    public void MakeSecretMc_BadArguments_ExitTwoWithMessage(string role, string file, string expected)
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("secret"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        File.WriteAllText(temp.Combine("short"), "abc");

        var run = ToolRun.Execute("/bin/sh", [Script, role, temp.Combine(file)], temp.Path, ToolTimeout);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    private static string Script => Path.Combine(RepositoryFiles.Root, "machineconfig", "make-secret-mc.sh");
}
