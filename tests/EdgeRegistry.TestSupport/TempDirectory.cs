namespace EdgeRegistry.TestSupport;

/// <summary>A fresh real directory under the system temp directory, removed (best effort) with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="purpose">Names the directory (edgereg-PURPOSE-XXXXXX), so a leftover one says which test made it.</param>
    public TempDirectory(string purpose = "test")
    {
        Path = Directory.CreateTempSubdirectory($"edgereg-{purpose}-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The path of <paramref name="name"/> in this directory (nothing is created).</summary>
    public string File(string name) => Combine(name);

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in this directory; returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A new, empty subdirectory.</summary>
    public string Sub(string name) => Directory.CreateDirectory(Combine(name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server that is still shutting down may hold a file open, or a test removed its own root; a leftover
            // temp directory is not a test failure (DirectoryNotFoundException is an IOException).
        }
        catch (UnauthorizedAccessException)
        {
            // podman's vfs store creates read-only directories; leave them to the OS temp cleaner.
        }
    }
}
