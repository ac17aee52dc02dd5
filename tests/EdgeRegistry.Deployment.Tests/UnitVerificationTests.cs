using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// <c>systemd-analyze verify</c> on edgereg.service exactly as the MachineConfig installs it. It exits 0 even
/// on warnings, so any output at all is a failure.
/// </summary>
public sealed class UnitVerificationTests
{
    private const string InstalledBinary = "/usr/local/bin/edgereg";
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

    // verify checks that executables exist; the build machine has no /usr/local/bin/edgereg, so the unit is
    // verified with that one path pointed at a temporary executable and everything else unchanged.
    private static ToolRun Verify(string role, Func<string, string> edit)
    {
        var analyzer = ToolRun.Require("/usr/bin/systemd-analyze", "systemd");
        var unit = Assert.Single(MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).Units);
        using var temp = new TempDirectory();
        var binary = temp.Combine("edgereg");
        File.Copy("/bin/true", binary);
        var unitPath = temp.Combine(unit.Name);
        File.WriteAllText(unitPath, edit(unit.Contents.Replace(InstalledBinary, binary, StringComparison.Ordinal)));

        return ToolRun.Execute(analyzer, ["verify", unitPath], temp.Path, ToolTimeout);
    }
}
