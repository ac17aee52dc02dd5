using EdgeRegistry.Distribution.Access;

namespace EdgeRegistry.Distribution.Tests.Access;

public sealed class CredentialsFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "edgereg-credfile-" + Guid.NewGuid().ToString("N"));

    public CredentialsFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AddOrUpdate_NewFile_Mode0600AndPbkdf2Line()
    {
        string file = Path.Combine(_dir, "creds");
        CredentialsFile.AddOrUpdate(file, "bob", "pw");
        string line = File.ReadAllLines(file).Single();
        Assert.StartsWith("bob:pbkdf2-sha256$600000$", line);
        Assert.True(PasswordHash.TryParse(line["bob:".Length..], out var hash, out _));
        Assert.True(hash.Verify("pw"));
        Assert.False(hash.Verify("PW"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        // No temporary file left behind; the lock file beside it stays (removing it would race another locker).
        Assert.Equal([CredentialsFileLock.PathFor(file), file], Directory.GetFiles(_dir).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddOrUpdate_ExistingUser_ReplacedOthersKept()
    {
        string file = Path.Combine(_dir, "creds");
        CredentialsFile.AddOrUpdate(file, "a", "1");
        CredentialsFile.AddOrUpdate(file, "b", "2");
        File.AppendAllText(file, "# a comment\n");
        CredentialsFile.AddOrUpdate(file, "a", "3");
        string[] lines = File.ReadAllLines(file);
        Assert.Equal(3, lines.Length);
        Assert.Equal(new[] { "a", "b", null }, lines.Select(CredentialsFile.UserOf));
        Assert.True(PasswordHash.TryParse(lines[0][2..], out var hash, out _) && hash.Verify("3"));
    }

    [Theory]
    [InlineData("", "pw")]
    [InlineData("a:b", "pw")]
    [InlineData("a b", "pw")]
    [InlineData("ok", "")]
    public void AddOrUpdate_UnusableInput_ArgumentException(string user, string password) =>
        Assert.Throws<ArgumentException>(() => CredentialsFile.AddOrUpdate(Path.Combine(_dir, "creds"), user, password));

    [Theory]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("md5$100000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("pbkdf2-sha256$100000$not base64$aGFzaA==")]
    [InlineData("pbkdf2-sha256$100000")]
    public void TryParse_WeakOrMalformed_Refused(string text) => Assert.False(PasswordHash.TryParse(text, out _, out _));
}
