using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// edgereg.service's glibc check, taken from the MachineConfig and run by the real /bin/sh: this machine's glibc
/// (Debian 12, 2.36) passes; a node answering like RHEL 8 RHCOS (glibc 2.28, a stand-in getconf) is refused with a
/// sentence instead of the loader's "GLIBC_2.34 not found".
/// </summary>
public sealed class GlibcCheckTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void ExecStartPre_ThisMachinesGlibc_Passes(string role)
    {
        using var temp = new TempDirectory();

        var run = ToolRun.Execute("/bin/sh", ["-c", CheckScript(role)], temp.Path, ToolTimeout);

        Assert.True(run.ExitCode == 0, run.Combined);
        Assert.Empty(run.Combined);
    }

    [Theory]
    [InlineData("glibc 2.28", "this node has glibc 2.28; edgereg needs glibc 2.34 or later (RHEL 9 based RHCOS, OpenShift 4.13 and later)")]
    [InlineData("", "this node has glibc of unknown version; edgereg needs glibc 2.34 or later")]
    public void ExecStartPre_OldOrUnknownGlibc_RefusedWithSentence(string answer, string message)
    {
        using var temp = new TempDirectory();
        var bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        var getconf = Path.Combine(bin, "getconf");
        File.WriteAllText(getconf, $"#!/bin/sh\necho '{answer}'\n");
        File.SetUnixFileMode(getconf, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var run = ToolRun.Execute("/usr/bin/env", [$"PATH={bin}:/usr/bin:/bin", "/bin/sh", "-c", CheckScript("master")], temp.Path, ToolTimeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("edgereg.service: " + message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>The script of the ExecStartPre that runs getconf, with systemd's <c>$$</c> escape undone.</summary>
    private static string CheckScript(string role)
    {
        var unit = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).Units.Single(u => u.Name == "edgereg.service");
        var line = unit.Contents.Split('\n').Single(l => l.StartsWith("ExecStartPre=", StringComparison.Ordinal) && l.Contains("GNU_LIBC_VERSION", StringComparison.Ordinal));
        const string prefix = "ExecStartPre=/bin/sh -c '";
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        Assert.EndsWith("'", line, StringComparison.Ordinal);
        return line[prefix.Length..^1].Replace("$$", "$", StringComparison.Ordinal);
    }
}
