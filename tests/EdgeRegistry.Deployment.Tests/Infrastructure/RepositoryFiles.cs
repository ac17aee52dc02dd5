namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>Locates the committed deployment files from the test's output directory.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string ButaneSource(string role) => Path.Combine(Root, "butane", $"edgereg-{role}.bu");

    public static string MachineConfig(string role) => Path.Combine(Root, "machineconfig", $"50-{role}-edgereg.yaml");

    // Walks up to the directory holding EdgeRegistry.sln, so the tests work from any build output layout.
    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeRegistry.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"EdgeRegistry.sln not found above {AppContext.BaseDirectory}");
    }
}
