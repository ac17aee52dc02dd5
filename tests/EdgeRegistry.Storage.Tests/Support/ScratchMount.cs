using System.Diagnostics;

namespace EdgeRegistry.Storage.Tests.Support;

/// <summary>
/// A real, private file system mounted on a fresh temp directory (needs root, as the test machine runs): ramfs
/// to get a file system that refuses O_DIRECT, a tiny tmpfs to get a disk that really fills up. Unmounted and
/// removed on dispose.
/// </summary>
internal sealed class ScratchMount : IDisposable
{
    private ScratchMount(string path) => Path = path;

    public string Path { get; }

    public static ScratchMount Mount(string type, string? options = null)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgereg-storage-mounts", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var arguments = new List<string> { "-t", type };
        if (options is not null) arguments.AddRange(["-o", options]);
        arguments.AddRange([type, path]);
        var (code, output) = Run("mount", arguments);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t {type} {path} failed ({code}): {output} — these tests need root");
        }
        return new ScratchMount(path);
    }

    public void Dispose()
    {
        Run("umount", [Path]);
        try { Directory.Delete(Path); }
        catch (IOException) { }
    }

    /// <summary>Runs a mount tool, bounded to 30 s: its exit code and what it printed.</summary>
    internal static (int Code, string Output) Run(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            return (-1, $"{command} did not finish within 30 s");
        }
        return (process.ExitCode, output.Trim());
    }
}
