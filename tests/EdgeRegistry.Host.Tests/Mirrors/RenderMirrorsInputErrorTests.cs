using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>Bad input to render-mirrors: exit 2, one line naming the problem, nothing on stdout.</summary>
public sealed class RenderMirrorsInputErrorTests
{
    [Theory]
    [InlineData("no sources: give --source", "--node", "192.0.2.11")]
    [InlineData("no nodes: give each node's registry with --node", "--source", "quay.io/a/b")]
    [InlineData("--node \"node_1\": expected HOST[:PORT]", "--node", "node_1", "--source", "quay.io/a/b")]
    [InlineData("--node \"192.0.2.11:99999\": PORT must be a number from 1 to 65535", "--node", "192.0.2.11:99999", "--source", "quay.io/a/b")]
    [InlineData("--node \"[2001:db8::1]:5000\": IPv6 addresses cannot be mirror locations", "--node", "[2001:db8::1]:5000", "--source", "quay.io/a/b")]
    [InlineData("--node \"192.0.2.11:5000\" is listed twice", "--node", "192.0.2.11", "--node", "192.0.2.11:5000", "--source", "quay.io/a/b")]
    [InlineData("--source \"quay.io/a/b:v1\": a mirror source is a repository without a tag or digest", "--node", "192.0.2.11", "--source", "quay.io/a/b:v1")]
    [InlineData("--source \"openshift/release\": must start with the registry host, e.g. docker.io/openshift/release", "--node", "192.0.2.11", "--source", "openshift/release")]
    [InlineData("--source \"quay.io/Upper/Case\": \"Upper/Case\" is not a repository path", "--node", "192.0.2.11", "--source", "quay.io/Upper/Case")]
    [InlineData("--source \"https://quay.io/a\": a repository has no scheme", "--node", "192.0.2.11", "--source", "https://quay.io/a")]
    [InlineData("--mirror-source-policy \"Never\": expected AllowContactingSource or NeverContactSource", "--node", "192.0.2.11", "--source", "quay.io/a", "--mirror-source-policy", "Never")]
    public async Task RenderMirrors_BadArguments_ExitTwoWithOneMessage(string expected, params string[] arguments)
    {
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync(["render-mirrors", .. arguments]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(process.ErrorLines);
        Assert.StartsWith("edgereg: " + expected, line, StringComparison.Ordinal);
        Assert.Empty(process.Output);
    }

    [Theory]
    [InlineData("kind: Deployment\nspec: {}\n", ": no mirror sources found (expected ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet entries; found only Deployment)")]
    [InlineData("apiVersion: v1\n", ":1: missing 'kind'")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageTagMirrors: []\n", ":3: ImageDigestMirrorSet has no 'spec.imageDigestMirrors' sequence")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors: []\n", ": no mirror sources found")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - mirrors: [a]\n    source: quay.io/a\n", ":4: mirror \"a\": must start with the registry host")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - mirrors:\n    - localhost:5000/a\n", ":4: missing 'source'")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: quay.io/a@sha256:00\n", ":4: source \"quay.io/a@sha256:00\": a mirror source is a repository without a tag or digest")]
    [InlineData("kind: ImageContentSourcePolicy\nspec:\n\trepositoryDigestMirrors:\n", ":3:1: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: 'quay.io/a\n", ":4:13: While scanning a quoted scalar, found unexpected end of stream.")]
    public async Task RenderMirrors_BadFromFile_ExitTwoNamingFileAndLine(string contents, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("input.yaml", contents);
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("render-mirrors", "--node", "192.0.2.11", "--from", path);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(process.ErrorLines);
        Assert.True(line.StartsWith($"edgereg: {path}{expected}", StringComparison.Ordinal), line);
        Assert.Empty(process.Output);
    }

    [Fact]
    public async Task RenderMirrors_FromFileMissing_ExitTwoFileNotFound()
    {
        using var temp = new TempDirectory();
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("render-mirrors", "--node", "192.0.2.11", "--from", temp.File("absent.yaml"));

        Assert.Equal(2, exitCode);
        Assert.Equal($"edgereg: --from \"{temp.File("absent.yaml")}\": cannot read the file: file not found", Assert.Single(process.ErrorLines));
    }

    [Fact]
    public async Task RenderMirrors_SameSourceAtTwoPaths_ExitTwoNamingBoth()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("input.yaml",
            "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - source: quay.io/a/b\n    mirrors:\n    - 192.0.2.1:5000/x/b\n");
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("render-mirrors", "--node", "192.0.2.11", "--source", "quay.io/a/b", "--from", path);

        Assert.Equal(2, exitCode);
        Assert.Equal("edgereg: source quay.io/a/b is mirrored at two paths, \"a/b\" and \"x/b\"; keep one", Assert.Single(process.ErrorLines));
    }
}
