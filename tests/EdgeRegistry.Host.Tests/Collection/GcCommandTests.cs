using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeRegistry.Collection;
using EdgeRegistry.Host.Tests.Status;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Host.Tests.Collection;

/// <summary>
/// `edgereg gc` with the agent stopped, on a real store, judged by a real second opinion: Debian's CNCF
/// Distribution (`docker-registry garbage-collect --dry-run`) must find nothing left to collect afterwards.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class GcCommandTests : IDisposable
{
    private const string DistributionBinary = "/usr/bin/docker-registry";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Root => _temp.File("store");

    private CapturedProcess Process() => new(environment: new Dictionary<string, string>
    {
        ["EDGEREG_GC_GRACE"] = "0",
        ["EDGEREG_PULL_RETENTION"] = "0",
        ["EDGEREG_CONFIG"] = "",
    });

    private string[] Options => ["--root", Root, "--status-socket", _temp.File("no-agent.sock")];

    [Fact]
    public async Task Gc_AgentStopped_CollectsStoreDirectlyAndDistributionFindsNothingLeft()
    {
        var store = RegistryStore.Open(Root);
        await StoreContent.PushImageAsync(store, "apps/web", "v1", "kept");
        await StoreContent.PushImageAsync(store, "apps/web", "scratch", "untagged");
        store.DeleteManifest(RepositoryName.Parse("apps/web"), "scratch");
        await StoreContent.PushImageAsync(store, "apps/gone", "scratch", "whole repository untagged");
        store.DeleteManifest(RepositoryName.Parse("apps/gone"), "scratch");
        byte[] orphan = Encoding.UTF8.GetBytes("an upload no manifest ever referenced");
        await store.PutBlobAsync(RepositoryName.Parse("apps/web"), Storage.Digests.Digest.FromHash(Storage.Digests.DigestAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData(orphan)), System.IO.Pipelines.PipeReader.Create(new MemoryStream(orphan)),
            orphan.Length, CancellationToken.None);
        Assert.True(await DistributionEligibleAsync() > 0, "Distribution sees nothing to collect before: the test proves nothing");

        var dry = Process();
        Assert.Equal(0, await dry.RunAsync(["gc", "--dry-run", "--json", .. Options]));
        using (var json = JsonDocument.Parse(dry.Output))
        {
            Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
            Assert.Equal(2, json.RootElement.GetProperty("manifestsDeleted").GetInt32());
            Assert.Equal(7, json.RootElement.GetProperty("blobsDeleted").GetInt32()); // 2 × (manifest, config, layer) + the orphan
        }
        Assert.Equal(3, RegistryStore.Open(Root).EnumerateManifests().Count());

        var real = Process();
        Assert.Equal(0, await real.RunAsync(["gc", .. Options]));

        Assert.Contains("deleted 2 manifests, 0 tags, 7 blobs", real.Output, StringComparison.Ordinal);
        Assert.Matches(@"apps/gone\s+1\s+0\s+2", real.Output);
        Assert.Equal(0, await DistributionEligibleAsync());
        Assert.NotNull(RegistryStore.Open(Root).GetManifest(RepositoryName.Parse("apps/web"), "v1"));
    }

    [Fact]
    public async Task Gc_StoreLockedByAnAgent_RefusesToCollectBesideIt()
    {
        var store = RegistryStore.Open(Root);
        await StoreContent.PushImageAsync(store, "apps/web", "scratch", "untagged");
        store.DeleteManifest(RepositoryName.Parse("apps/web"), "scratch");
        using var agent = AgentLock.TryTake(Root, out _);
        Assert.NotNull(agent);

        var process = Process();
        Assert.Equal(1, await process.RunAsync(["gc", .. Options]));

        Assert.Contains("locked by a running edgereg", process.Error, StringComparison.Ordinal);
        Assert.Single(RegistryStore.Open(Root).EnumerateManifests());
    }

    /// <summary>Blobs plus manifests Distribution's own collector would delete from the store.</summary>
    private async Task<int> DistributionEligibleAsync()
    {
        string config = _temp.File("distribution.yml");
        await File.WriteAllTextAsync(config, $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {Root}\n");
        var result = await ProcessRunner.RunAsync(DistributionBinary, ["garbage-collect", "--dry-run", config], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var match = Eligible().Match(result.StandardOutput + result.StandardError);
        Assert.True(match.Success, result.StandardOutput + result.StandardError);
        return int.Parse(match.Groups[1].Value) + int.Parse(match.Groups[2].Value);
    }

    [GeneratedRegex(@"(\d+) blobs and (\d+) manifests eligible for deletion")]
    private static partial Regex Eligible();
}
