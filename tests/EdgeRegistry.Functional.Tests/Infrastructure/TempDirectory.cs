namespace EdgeRegistry.Functional.Tests.Infrastructure;

/// <summary>A fresh directory under the system temp dir, removed (best effort) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string purpose)
    {
        Path = Directory.CreateTempSubdirectory($"edgereg-ft-{purpose}-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

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
            // A killed server may still be releasing files; a leftover temp dir is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
            // podman's vfs store creates read-only directories; leave them to the OS temp cleaner.
        }
    }
}
