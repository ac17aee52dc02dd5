using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>packaging/build-release.sh: the tarball, the RPM (rpm -qlp / --scripts / an install into a scratch root) and the OCI artifact.</summary>
public sealed class ReleasePackagingTests(ReleaseBuild release) : IClassFixture<ReleaseBuild>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void BuildRelease_WithBinary_PrintsDigestsAndWritesEveryArtifact()
    {
        Assert.True(release.Run.ExitCode == 0, release.Run.Combined);
        Assert.Contains($"binary digest:    {BinaryDigest()}", release.Run.Output, StringComparison.Ordinal);
        Assert.Contains($"manifest digest:  {File.ReadAllText(release.Artifact("manifest-digest")).Trim()}", release.Run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(release.Artifact($"edgereg-{ReleaseBuild.Version}-linux-x64.tar.gz")));
        Assert.True(File.Exists(release.Rpm));
    }

    [Fact]
    public void Tarball_Listing_HoldsBinaryUnitsConfigSampleTmpfilesAndReadme()
    {
        var run = Tool("/usr/bin/tar", "-tzf", release.Artifact($"edgereg-{ReleaseBuild.Version}-linux-x64.tar.gz"));

        var prefix = $"edgereg-{ReleaseBuild.Version}-linux-x64/";
        Assert.Equal(
            new[] { "", "README.md", "config.json.sample", "edgereg", "edgereg-bootstrap.service", "edgereg-bootstrap.sh", "edgereg.service", "edgereg.tmpfiles.conf" }
                .Select(name => prefix + name),
            Lines(run.Output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rpm_FileList_IsBinaryUnitTmpfilesAndNoreplaceConfig()
    {
        Assert.Equal(
            ["/etc/edgereg", "/etc/edgereg/config.json", "/usr/bin/edgereg", "/usr/lib/systemd/system/edgereg.service", "/usr/lib/tmpfiles.d/edgereg.conf"],
            Lines(Tool("/usr/bin/rpm", "-qlp", release.Rpm).Output));
        Assert.Equal(["/etc/edgereg/config.json"], Lines(Tool("/usr/bin/rpm", "-qcp", release.Rpm).Output));
        // %config(noreplace) shows as flags "cn": an edited config survives an upgrade.
        Assert.Contains("cn /etc/edgereg/config.json", Lines(Tool("/usr/bin/rpm", "-qp", "--queryformat", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]", release.Rpm).Output));
    }

    [Fact]
    public void Rpm_Scripts_CreateDirectoriesReloadAndStopOnErase()
    {
        var scripts = Tool("/usr/bin/rpm", "-qp", "--scripts", release.Rpm).Output;

        Assert.Contains("systemd-tmpfiles --create /usr/lib/tmpfiles.d/edgereg.conf", scripts, StringComparison.Ordinal);
        Assert.Contains("systemctl daemon-reload", scripts, StringComparison.Ordinal);
        Assert.Contains("systemctl --no-reload disable --now edgereg.service", scripts, StringComparison.Ordinal);
        Assert.Contains("systemctl try-restart edgereg.service", scripts, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpm_InstalledIntoScratchRoot_LaysDownBinaryAndUnitPointingAtIt()
    {
        var root = release.Scratch("rpm-root");
        Directory.CreateDirectory(root);

        Tool("/usr/bin/rpm", "--root", root, "--dbpath", "/rpmdb", "-i", "--nodeps", "--noscripts", "--notriggers", release.Rpm);

        Assert.Equal(File.ReadAllBytes(EdgeregBinary.Path), File.ReadAllBytes(Path.Combine(root, "usr/bin/edgereg")));
        var unit = File.ReadAllText(Path.Combine(root, "usr/lib/systemd/system/edgereg.service"));
        Assert.Contains("ExecStart=/usr/bin/edgereg serve --config /etc/edgereg/config.json\n", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/local/bin", unit, StringComparison.Ordinal);
        var masterUnit = MachineConfigDocument.Load(RepositoryFiles.MachineConfig("master")).Units.Single(u => u.Name == "edgereg.service").Contents;
        Assert.Equal(masterUnit.Replace("/usr/local/bin/edgereg", "/usr/bin/edgereg", StringComparison.Ordinal), unit);
    }

    [Fact]
    public void RpmSpec_Parsed_NamesVersionAndInstallsUnderUsrBin()
    {
        var parsed = Tool("/usr/bin/rpmspec", "-P", "--define", "edgereg_version 9.8.7", Path.Combine(RepositoryFiles.Root, "packaging", "edgereg.spec")).Output;

        Assert.Contains("Version:        9.8.7", parsed, StringComparison.Ordinal);
        Assert.Contains("%config(noreplace) /etc/edgereg/config.json", parsed, StringComparison.Ordinal);
    }

    [Fact]
    public void OciLayout_Index_PointsAtArtifactWhoseOnlyLayerIsTheBinary()
    {
        var layout = release.Artifact("oci");
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        var descriptor = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray().ToList());
        var manifestDigest = descriptor.GetProperty("digest").GetString()!;
        Assert.Equal(File.ReadAllText(release.Artifact("manifest-digest")).Trim(), manifestDigest);
        Assert.Equal(ReleaseBuild.Version, descriptor.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());

        var manifestBytes = Blob(layout, manifestDigest);
        Assert.Equal(descriptor.GetProperty("size").GetInt64(), manifestBytes.Length);
        using var manifest = JsonDocument.Parse(manifestBytes);
        Assert.Equal("application/vnd.edgereg.binary.v1", manifest.RootElement.GetProperty("artifactType").GetString());
        Assert.Equal(ReleaseBuild.Version, manifest.RootElement.GetProperty("annotations").GetProperty("org.opencontainers.image.version").GetString());
        var config = manifest.RootElement.GetProperty("config");
        Assert.Equal("{}", System.Text.Encoding.UTF8.GetString(Blob(layout, config.GetProperty("digest").GetString()!)));
        var layer = Assert.Single(manifest.RootElement.GetProperty("layers").EnumerateArray().ToList());
        Assert.Equal(BinaryDigest(), layer.GetProperty("digest").GetString());
        Assert.Equal(new FileInfo(EdgeregBinary.Path).Length, layer.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task OciLayout_CopiedWithSkopeoToEdgereg_ServesBinaryAsBlobAndKeepsManifestDigest()
    {
        await using var node = await EdgeregPeer.StartAsync(release.Scratch("node"));
        var home = release.Scratch("skopeo-home");
        Directory.CreateDirectory(home);
        var policy = Path.Combine(home, "policy.json");
        File.WriteAllText(policy, """{"default":[{"type":"insecureAcceptAnything"}]}""");

        var copy = Skopeo(home, "--policy", policy, "copy", "--dest-tls-verify=false",
            $"oci:{release.Artifact("oci")}:{ReleaseBuild.Version}", $"docker://{node.Address}/edgereg/edgereg:{ReleaseBuild.Version}");
        Assert.True(copy.ExitCode == 0, copy.Combined);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var blob = await client.GetByteArrayAsync(new Uri($"http://{node.Address}/v2/edgereg/edgereg/blobs/{BinaryDigest()}"));
        Assert.Equal(File.ReadAllBytes(EdgeregBinary.Path), blob);
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri($"http://{node.Address}/v2/edgereg/edgereg/manifests/{ReleaseBuild.Version}"));
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await client.SendAsync(request);
        Assert.Equal(File.ReadAllText(release.Artifact("manifest-digest")).Trim(), response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    private static byte[] Blob(string layout, string digest)
    {
        var bytes = File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]));
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        return bytes;
    }

    private static string BinaryDigest() => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(EdgeregBinary.Path)));

    private ToolRun Tool(string tool, params string[] arguments)
    {
        Assert.True(release.Run.ExitCode == 0, $"build-release.sh failed: {release.Run.Combined}");
        var run = ToolRun.Execute(ToolRun.Require(tool, "rpm"), arguments, release.OutputDirectory, ToolTimeout);
        Assert.True(run.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {run.Combined}");
        return run;
    }

    private static ToolRun Skopeo(string home, params string[] arguments)
    {
        // Isolated from the machine's blob-info cache and configuration (see docs/environment.md).
        var start = new ProcessStartInfo(ToolRun.Require("/usr/bin/skopeo", "skopeo")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in new[] { "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME" })
        {
            start.Environment[variable] = home;
        }

        start.Environment["_CONTAINERS_ROOTLESS_UID"] = "65534";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start skopeo");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("skopeo copy did not finish in time");
        }

        return new ToolRun(process.ExitCode, output.Result, error.Result);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
