namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>
/// One run of packaging/build-release.sh over the already published binary ($EDGEREG_BINARY), shared by the
/// release tests: the AOT build itself is what build-binary.sh and tests/run-tests.sh already cover, and
/// repeating it here would cost minutes.
/// </summary>
public sealed class ReleaseBuild : IDisposable
{
    public const string Version = "1.2.3";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _temp = new();

    public ReleaseBuild()
    {
        OutputDirectory = _temp.Combine("release");
        Run = ToolRun.Execute(
            "/bin/bash",
            [Path.Combine(RepositoryFiles.Root, "packaging", "build-release.sh"), "-o", OutputDirectory, "--version", Version, "--binary", EdgeregBinary.Path],
            RepositoryFiles.Root,
            BuildTimeout);
    }

    public string OutputDirectory { get; }

    internal ToolRun Run { get; }

    public string Artifact(string name) => Path.Combine(OutputDirectory, name);

    public string Rpm => Artifact($"edgereg-{Version}-1.x86_64.rpm");

    public string Scratch(string name) => _temp.Combine(name);

    public void Dispose() => _temp.Dispose();
}
