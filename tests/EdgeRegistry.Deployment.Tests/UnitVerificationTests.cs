using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// <c>systemd-analyze verify</c> on edgereg.service and edgereg-bootstrap.service exactly as the MachineConfig installs it. It exits 0 even
/// on warnings, so any output at all is a failure.
/// </summary>
public sealed class UnitVerificationTests
{
    private const string InstalledBinary = "/usr/local/bin/edgereg";
    private const string InstalledBootstrap = "/usr/local/bin/edgereg-bootstrap";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void SystemdAnalyzeVerify_UnitFromMachineConfig_PrintsNothing(string role)
    {
        var run = Verify(role, unitContents => unitContents);

        Assert.True(run.Combined.Length == 0, $"systemd-analyze verify printed (exit {run.ExitCode}):\n{run.Combined}");
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void SystemdAnalyzeVerify_UnitWithUnknownKey_PrintsProblem()
    {
        // Proves the verification is live: the passing test above would mean nothing if verify printed nothing ever.
        var run = Verify("master", unitContents => unitContents.Replace("[Service]\n", "[Service]\nNoSuchSetting=1\n", StringComparison.Ordinal));

        Assert.Contains("NoSuchSetting", run.Combined, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void SystemdAnalyzeSecurity_UnitFromMachineConfig_ExposureUnder3(string role)
    {
        var run = Verify(role, unitContents => unitContents, ["security", "--offline=yes", "--no-pager"], onlyUnit: "edgereg.service");

        var overall = System.Text.RegularExpressions.Regex.Match(run.Combined, @"Overall exposure level for edgereg\.service: (\d+\.\d)");
        Assert.True(overall.Success, run.Combined);
        var exposure = double.Parse(overall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(exposure < 3.0, $"exposure {exposure}:\n{run.Combined}");
    }

    [Fact]
    public void SystemdAnalyzeSecurity_HardeningRemoved_ExposureAbove3()
    {
        // Proves the score is read from the unit: without the capability bounding and system call filter it rises.
        var run = Verify("master", unitContents => string.Join('\n', unitContents.Split('\n')
                .Where(line => !line.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal) && !line.StartsWith("SystemCallFilter=", StringComparison.Ordinal)
                    && !line.StartsWith("PrivateDevices=", StringComparison.Ordinal) && !line.StartsWith("RestrictNamespaces=", StringComparison.Ordinal))),
            ["security", "--offline=yes", "--no-pager"], onlyUnit: "edgereg.service");

        var overall = System.Text.RegularExpressions.Regex.Match(run.Combined, @"Overall exposure level for edgereg\.service: (\d+\.\d)");
        Assert.True(overall.Success, run.Combined);
        Assert.True(double.Parse(overall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3.0, run.Combined);
    }

    // verify checks that executables exist; the build machine has neither /usr/local/bin/edgereg nor the
    // bootstrap script, so the units are verified together with those two paths pointed at temporary
    // executables and everything else unchanged (the edit applies to edgereg.service).
    private static ToolRun Verify(string role, Func<string, string> edit, string[]? verb = null, string? onlyUnit = null)
    {
        var analyzer = ToolRun.Require("/usr/bin/systemd-analyze", "systemd");
        var units = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).Units;
        using var temp = new TempDirectory();
        var binary = temp.Combine("edgereg");
        var bootstrap = temp.Combine("edgereg-bootstrap");
        File.Copy("/bin/true", binary);
        File.Copy("/bin/true", bootstrap);
        var unitPaths = new List<string>();
        foreach (var unit in units)
        {
            var contents = unit.Contents
                .Replace(InstalledBootstrap, bootstrap, StringComparison.Ordinal)
                .Replace(InstalledBinary, binary, StringComparison.Ordinal);
            var unitPath = temp.Combine(unit.Name);
            File.WriteAllText(unitPath, unit.Name == "edgereg.service" ? edit(contents) : contents);
            unitPaths.Add(unitPath);
        }

        if (onlyUnit is not null) unitPaths.RemoveAll(path => Path.GetFileName(path) != onlyUnit);
        return ToolRun.Execute(analyzer, [.. verb ?? ["verify"], .. unitPaths], temp.Path, ToolTimeout);
    }
}
