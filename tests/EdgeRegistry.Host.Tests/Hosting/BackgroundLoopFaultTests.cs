using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Host.Tests.Collection;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Scrub;
using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Testing.FaultInjection;
using EdgeRegistry.Storage.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>
/// The scrub and the garbage collection hit a fault the store does not translate (EACCES, which .NET raises as
/// UnauthorizedAccessException: an SELinux denial on a relabelled store) under the real host: the round fails, is
/// counted, and the host keeps serving — .NET's default for an exception escaping a BackgroundService is to stop the
/// host — and once the fault is gone the next round runs.
/// </summary>
public sealed class BackgroundLoopFaultTests
{
    [Fact(Timeout = 120_000)]
    public async Task ScrubAndCollection_FailOnPermissionDenied_HostServesOnAndNextRoundsRun()
    {
        using var temp = new TempDirectory("loop-faults");
        var fileSystem = new FaultInjectingFileSystem();
        // No grace: the orphan blob below is collected at once, so a collection has a blob directory to move aside.
        var settings = RunningRegistry.Settings(temp.Path) with
        {
            Collection = new EdgeRegistry.Collection.CollectionSettings { Options = new CollectionOptions { Grace = TimeSpan.Zero } },
        };
        await using var registry = await RunningRegistry.StartAsync(settings, fileSystem);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var layer = TestContent.Bytes(4096, seed: 7);
        var config = TestContent.Bytes(64, seed: 8);
        await PushBlobAsync(http, layer);
        await PushBlobAsync(http, config);
        var orphan = TestContent.Bytes(512, seed: 9);
        await PushBlobAsync(http, orphan);
        using (var manifest = new ByteArrayContent(Manifests.OciManifest(TestContent.Sha256(config), config.Length, [(TestContent.Sha256(layer), layer.Length)])))
        {
            manifest.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
            using var put = await http.PutAsync("v2/app/manifests/v1", manifest);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        var lifetime = registry.Services.GetRequiredService<IHostApplicationLifetime>();
        var scrub = registry.Services.GetRequiredService<ScrubService>();
        var collection = registry.Services.GetRequiredService<IGarbageCollection>();

        // Everything but the blobs' data is denied: the scrub's cursor, the temporary directory a collected blob moves to.
        static bool Denied(string path) => !path.Contains("/docker/registry/v2/blobs/", StringComparison.Ordinal);
        foreach (var operation in new[] { FaultOperation.Open, FaultOperation.Read, FaultOperation.Write, FaultOperation.Move })
        {
            fileSystem.Faults.Arm(operation, Denied, IoErrors.PermissionDenied);
        }
        Assert.True(scrub.RequestPass());
        collection.RequestRun("test");
        await Poll.UntilAsync(() => scrub.Report().FailedPasses >= 1 && collection.Status.Failures >= 1,
            () => $"a failed scrub pass and collection (scrub: {scrub.Report().LastError}; gc: {collection.Status.LastError}; host stopping: {lifetime.ApplicationStopping.IsCancellationRequested})");
        Assert.True(fileSystem.Faults.Injected > 0);
        Assert.Contains("is denied", scrub.Report().LastError);
        Assert.Contains("is denied", collection.Status.LastError);

        // The host serves on: not stopping, and a blob is served while the fault lasts.
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the host is stopping after a background loop's fault");
        Assert.Equal(layer, await http.GetByteArrayAsync($"v2/app/blobs/{TestContent.Sha256(layer)}"));
        var metrics = await http.GetStringAsync("metrics");
        Assert.Contains("edgereg_scrub_failed_passes_total 1", metrics);
        Assert.Contains("edgereg_gc_failures_total 1", metrics);

        // The fault is gone: the next rounds (asked for, not waited for) run to their end.
        fileSystem.Faults.Clear();
        await Poll.UntilAsync(() => scrub.RequestPass(), () => "the scrub taking a new request");
        collection.RequestRun("test again");
        await Poll.UntilAsync(() => scrub.Report().Passes == 1 && collection.Status.Runs == 1,
            () => $"a scrub pass and a collection after the fault (scrub passes {scrub.Report().Passes}, gc runs {collection.Status.Runs})");
        Assert.Null(scrub.Report().LastError);
        Assert.Null(collection.Status.LastError);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        using var pulled = await http.GetAsync("v2/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(1, collection.Status.LastRun?.BlobsDeleted);
        using var collected = await http.GetAsync($"v2/app/blobs/{TestContent.Sha256(orphan)}");
        Assert.Equal(HttpStatusCode.NotFound, collected.StatusCode);
    }

    private static async Task PushBlobAsync(HttpClient http, byte[] content)
    {
        using var start = await http.PostAsync("v2/app/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();
        var separator = location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync($"{location}{separator}digest={TestContent.Sha256(content)}", body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }
}
