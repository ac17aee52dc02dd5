using System.Net;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>
/// The path to serving (store open and recovery, listeners bound) leaves stale uploads alone: their purge walks
/// every repository and is StoreMaintenance's job once the registry serves (the real binary is tested in
/// the functional tier). Recovery itself still runs: its temporary files are gone before the first answer.
/// </summary>
public sealed class StaleUploadStartupTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Start_StoreWithStaleUpload_ServesWithoutPurgingButRecoversTemporaryFiles()
    {
        var root = _temp.File("root");
        var repository = RepositoryName.Parse("startup/app");
        var seeded = RegistryStore.Open(root);
        string staleId = seeded.StartUpload(repository).Id;
        var staleDirectory = Path.Combine(root, "docker", "registry", "v2", "repositories", "startup", "app", "_uploads", staleId);
        Assert.True(Directory.Exists(staleDirectory));
        var longAgo = DateTime.UtcNow - TimeSpan.FromDays(2);
        foreach (var file in Directory.EnumerateFiles(staleDirectory)) File.SetLastWriteTimeUtc(file, longAgo);
        Directory.SetLastWriteTimeUtc(staleDirectory, longAgo);
        var leftover = Path.Combine(root, ".edgereg", "tmp", "left-by-a-crash");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllTextAsync(leftover, "partial");

        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(root));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Directory.Exists(staleDirectory), "start-up purged the stale upload: the walk is back on the path to READY");
        Assert.False(File.Exists(leftover), "start-up skipped crash recovery of temporary files");
    }
}
