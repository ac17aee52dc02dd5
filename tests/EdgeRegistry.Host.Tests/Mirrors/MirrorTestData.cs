namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>The mirror inputs and golden outputs under tests/EdgeRegistry.Host.Tests/Mirrors/TestData, read from the source tree.</summary>
internal static class MirrorTestData
{
    private static readonly Lazy<string> Root = new(FindTestData);

    public static string Input(string name) => Path.Combine(Root.Value, name);

    public static string Golden(string name) => Path.Combine(Root.Value, "Golden", name);

    private static string FindTestData()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeRegistry.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "EdgeRegistry.Host.Tests", "Mirrors", "TestData");
            }
        }

        throw new InvalidOperationException($"EdgeRegistry.sln not found above {AppContext.BaseDirectory}");
    }
}
