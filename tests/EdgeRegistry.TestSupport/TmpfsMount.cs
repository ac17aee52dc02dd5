namespace EdgeRegistry.TestSupport;

/// <summary>
/// A real tmpfs of a fixed size mounted on a fresh directory (tests run as root), for a full or nearly full disk that is
/// the kernel's, not a fake; unmounted (lazily, so a server still holding files cannot keep it) on dispose.
/// </summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static async Task<TmpfsMount> MountAsync(string path, long bytes)
    {
        Directory.CreateDirectory(path);
        var result = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"mount tmpfs on {path} failed ({result.ExitCode}): {result.Output}");
        return new TmpfsMount(path);
    }

    /// <summary>Writes a file of <paramref name="bytes"/> (incompressible bytes are not needed: tmpfs stores pages as they are).</summary>
    public string Fill(string name, long bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        var chunk = new byte[1 << 20];
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        for (long left = bytes; left > 0; left -= chunk.Length) stream.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        return file;
    }

    public async ValueTask DisposeAsync() =>
        await ProcessRunner.RunAsync("umount", ["-l", Path], TimeSpan.FromSeconds(30));
}
