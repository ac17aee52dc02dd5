using System.Diagnostics;
using EdgeRegistry.Storage.Durability;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// The explicit flock that replaced the runtime's FileShare.None locks, on real files against real processes:
/// flock(1) from util-linux takes the same flock(2) lock, so it stands for "another edgereg" here.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExclusiveFileLockTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("exclusive-lock");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TestProcess_RunsWithTheProductsSwitch_RuntimeFileLockingOff()
    {
        // Without it these tests would pass on the runtime's own FileShare.None flock and prove nothing.
        Assert.True(AppContext.TryGetSwitch("System.IO.DisableFileLocking", out bool off) && off);
    }

    [Fact]
    public void TryTake_HeldByAnotherOpenInThisProcess_NullUntilDisposed()
    {
        string path = _dir.File("a.lock");
        var first = ExclusiveFileLock.TryTake(path);
        Assert.NotNull(first);

        Assert.Null(ExclusiveFileLock.TryTake(path));
        first.Dispose();
        using var second = ExclusiveFileLock.TryTake(path);

        Assert.NotNull(second);
    }

    [Fact]
    public void Take_Held_FileLockHeldExceptionNamingTheFile()
    {
        string path = _dir.File("a.lock");
        using var held = ExclusiveFileLock.Take(path);

        var e = Assert.Throws<FileLockHeldException>(() => ExclusiveFileLock.Take(path));

        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryTake_Held_AnotherProcessIsRefusedUntilDisposed()
    {
        string path = _dir.File("a.lock");
        var held = ExclusiveFileLock.Take(path);

        Assert.Equal(1, (await FlockNonBlocking(path)).ExitCode);
        held.Dispose();

        Assert.Equal(0, (await FlockNonBlocking(path)).ExitCode);
    }

    [Fact]
    public async Task TryTake_HeldByAnotherProcess_NullUntilThatProcessIsKilled()
    {
        string path = _dir.File("a.lock");
        using (var holder = await StartHolderAsync(path))
        {
            Assert.Null(ExclusiveFileLock.TryTake(path));
            // SIGKILL: no cleanup of its own runs; the kernel closes its descriptors and that releases the lock.
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }

        using var taken = ExclusiveFileLock.TryTake(path);
        Assert.NotNull(taken);
    }

    [Fact]
    public void TryTake_Missing_CreatesTheFileOwnerOnly()
    {
        string path = _dir.File("new.lock");

        using var held = ExclusiveFileLock.Take(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(path, held.Path);
    }

    [Fact]
    public void TryTake_DirectoryMissing_IOExceptionNotARefusal()
    {
        Assert.ThrowsAny<IOException>(() => ExclusiveFileLock.TryTake(_dir.Combine("absent", "a.lock")));
    }

    [Fact]
    public void Dispose_Twice_SecondIsHarmless()
    {
        string path = _dir.File("a.lock");
        var held = ExclusiveFileLock.Take(path);

        held.Dispose();
        held.Dispose();

        using var again = ExclusiveFileLock.Take(path);
    }

    /// <summary>`flock -n PATH true`: exit 0 when it got the lock, 1 when someone holds it.</summary>
    private static Task<ProcessResult> FlockNonBlocking(string path) =>
        ProcessRunner.RunAsync("flock", ["-n", "-E", "1", path, "true"], Timeout);

    /// <summary>A process holding the lock on <paramref name="path"/> until killed; returns once it holds it.</summary>
    private static async Task<Process> StartHolderAsync(string path)
    {
        var start = new ProcessStartInfo("flock") { RedirectStandardOutput = true, UseShellExecute = false };
        // -o: the lock's descriptor is closed in the command flock runs, so the lock is held by flock's own process
        // alone, and released once the test has waited for that one to exit. Inherited by the shell (the default),
        // the lock outlived the wait until the killed child's teardown ended too, and a take right after could fail.
        foreach (string argument in new[] { "-n", "-o", path, "-c", "echo locked; exec sleep 600" }) start.ArgumentList.Add(argument);
        var holder = Process.Start(start) ?? throw new InvalidOperationException("could not start flock");
        using var deadline = new CancellationTokenSource(Timeout);
        string? line = await holder.StandardOutput.ReadLineAsync(deadline.Token);
        Assert.Equal("locked", line);
        return holder;
    }
}
