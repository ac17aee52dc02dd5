using System.Net;
using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// The rendered registries.conf drives real skopeo (containers/image, as CRI-O uses it) against real edgereg
/// hosts on 127.0.0.2 and 127.0.0.3, with the source registry a connection counter on 127.0.0.4. The
/// localhost:5000 mirror every list starts with is not served here: it is tried first and skipped.
/// </summary>
public sealed class RegistriesConfSkopeoTests
{
    private const string MirrorPath = "ocp4/openshift";

    [Fact]
    public async Task SkopeoInspect_NeverContactSource_ResolvesDigestAndTagThroughMirrorsOnly()
    {
        using var temp = new TempDirectory();
        using var source = new ConnectionCounter(IPAddress.Parse("127.0.0.4"));
        await using var empty = await StartNodeAsync(temp, "127.0.0.2");
        await using var holder = await StartNodeAsync(temp, "127.0.0.3");
        var digest = await TestImage.PushAsync(holder.BaseAddress, MirrorPath, "v1");
        var conf = await RenderAsync(temp, source, [empty, holder], MirrorSourcePolicy.NeverContactSource);

        var byDigest = await new Skopeo(temp.Path, conf).InspectDigestAsync($"docker://{source.Address}/{MirrorPath}@{digest}");
        var byTag = await new Skopeo(temp.Path, conf).InspectDigestAsync($"docker://{source.Address}/{MirrorPath}:v1");
        var missing = await new Skopeo(temp.Path, conf).InspectDigestAsync($"docker://{source.Address}/{MirrorPath}:absent");

        Assert.True(byDigest.ExitCode == 0, byDigest.Output);
        Assert.Equal(digest, byDigest.Output);
        Assert.True(byTag.ExitCode == 0, byTag.Output);
        Assert.Equal(digest, byTag.Output);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Equal(0, source.Connections);
    }

    [Fact]
    public async Task SkopeoInspect_FirstNodeStopped_FallsThroughToNextNode()
    {
        using var temp = new TempDirectory();
        using var source = new ConnectionCounter(IPAddress.Parse("127.0.0.4"));
        var first = await StartNodeAsync(temp, "127.0.0.2");
        await using var second = await StartNodeAsync(temp, "127.0.0.3");
        var digest = await TestImage.PushAsync(first.BaseAddress, MirrorPath, "v1");
        Assert.Equal(digest, await TestImage.PushAsync(second.BaseAddress, MirrorPath, "v1"));
        var conf = await RenderAsync(temp, source, [first, second], MirrorSourcePolicy.NeverContactSource);
        await first.DisposeAsync();

        var run = await new Skopeo(temp.Path, conf).InspectDigestAsync($"docker://{source.Address}/{MirrorPath}@{digest}");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(digest, run.Output);
    }

    [Fact]
    public async Task SkopeoInspect_AllowContactingSourceAndImageNotMirrored_ContactsSource()
    {
        // Proves the counter sees a client that does go to the source: the zero above would mean nothing otherwise.
        using var temp = new TempDirectory();
        using var source = new ConnectionCounter(IPAddress.Parse("127.0.0.4"));
        await using var node = await StartNodeAsync(temp, "127.0.0.2");
        var conf = await RenderAsync(temp, source, [node], MirrorSourcePolicy.AllowContactingSource);

        var run = await new Skopeo(temp.Path, conf).InspectDigestAsync($"docker://{source.Address}/{MirrorPath}:absent");

        Assert.NotEqual(0, run.ExitCode);
        Assert.True(source.Connections > 0, $"the source was never contacted: {run.Output}");
    }

    private static async Task<RunningRegistry> StartNodeAsync(TempDirectory temp, string address)
    {
        var root = temp.File($"store-{address}");
        Directory.CreateDirectory(root);
        return await RunningRegistry.StartAsync(RunningRegistry.Settings(root) with
        {
            Listen = [new ListenEndpoint(IPAddress.Parse(address), 0)],
        });
    }

    private static async Task<string> RenderAsync(TempDirectory temp, ConnectionCounter source, RunningRegistry[] nodes, MirrorSourcePolicy policy)
    {
        var outputDir = temp.File($"rendered-{policy}");
        // The nodes listen on free ports, so the localhost mirror's port is named: 5000, which nothing here serves.
        var arguments = new List<string>
        {
            "render-mirrors", "--source", $"{source.Address}/{MirrorPath}", "--insecure", "--mirror-source-policy", policy.ToString(),
            "--local-port", "5000", "--output-dir", outputDir,
        };
        foreach (var node in nodes)
        {
            arguments.AddRange(["--node", $"{node.BaseAddress.Host}:{node.Port}"]);
        }

        var process = new CapturedProcess();
        Assert.Equal(0, await process.RunAsync([.. arguments]));
        return Path.Combine(outputDir, RegistriesConf.FileName);
    }
}
