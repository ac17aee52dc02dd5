using System.Text;
using EdgeRegistry.Upstream.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Upstream.Tests.Auth;

public sealed class AuthFileTests
{
    private static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void Find_SeveralMatchingKeys_MostSpecificWins()
    {
        using var temp = new TempDirectory("auth-file");
        var path = temp.WriteFile("config.json", $$$"""
            {"auths": {
              "quay.io": {"auth": "{{{Auth("all", "a")}}}"},
              "quay.io/openshift-release-dev": {"auth": "{{{Auth("release", "r")}}}"},
              "https://registry.example:5000/v1/": {"auth": "{{{Auth("legacy", "l")}}}"}
            }}
            """);
        var file = new AuthFile(path, NullLogger.Instance);
        Assert.Equal(new Credential("release", "r"), file.Find("quay.io", "openshift-release-dev/ocp-release"));
        Assert.Equal(new Credential("all", "a"), file.Find("quay.io", "other/app"));
        Assert.Equal(new Credential("legacy", "l"), file.Find("registry.example:5000", "app"));
        Assert.Null(file.Find("docker.io", "library/busybox"));
    }

    [Fact]
    public void Find_FileMissingOrMalformed_Anonymous()
    {
        using var temp = new TempDirectory("auth-file-bad");
        Assert.Null(new AuthFile(temp.File("absent.json"), NullLogger.Instance).Find("quay.io", "a"));
        var bad = temp.WriteFile("bad.json", "{\"auths\": {\"quay.io\": {\"auth\": \"not base64!\"}}");
        Assert.Null(new AuthFile(bad, NullLogger.Instance).Find("quay.io", "a"));
    }

    [Fact]
    public void Find_FileRewritten_ReadsTheNewCredential()
    {
        using var temp = new TempDirectory("auth-file-rotate");
        var path = temp.WriteFile("config.json", $$$"""{"auths": {"quay.io": {"auth": "{{{Auth("old", "o")}}}"} } }""");
        var file = new AuthFile(path, NullLogger.Instance);
        Assert.Equal("old", file.Find("quay.io", "a")!.Username);
        File.WriteAllText(path, $$$"""{"auths": {"quay.io": {"auth": "{{{Auth("new", "n")}}}"} } }""");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("new", file.Find("quay.io", "a")!.Username);
    }
}
