using EdgeRegistry.Replication.Security;

namespace EdgeRegistry.Replication.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterSecretTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-secret-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content, UnixFileMode mode)
    {
        string path = Path.Combine(_directory, "cluster-secret");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Load_PrivateFileWithNewline_TrimmedSecret()
    {
        string path = Write("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var (secret, problem) = ClusterSecret.Load(path);

        Assert.Null(problem);
        Assert.Equal("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"u8.ToArray(), secret);
    }

    [Fact]
    public void Load_WorldReadable_RefusedWithChmodHint()
    {
        string path = Write("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var (secret, problem) = ClusterSecret.Load(path);

        Assert.Null(secret);
        Assert.Contains("chmod 600", problem);
    }

    [Fact]
    public void Load_TooShort_Refused()
    {
        var (secret, problem) = ClusterSecret.Load(Write("short", UnixFileMode.UserRead));

        Assert.Null(secret);
        Assert.Contains("at least 16", problem);
    }

    [Fact]
    public void Load_Missing_ProblemNamesPath()
    {
        string path = Path.Combine(_directory, "absent");

        Assert.Contains(path, ClusterSecret.Load(path).Problem);
    }
}
