using EdgeRegistry.Distribution.Access;

namespace EdgeRegistry.Distribution.Tests.Access;

/// <summary>
/// The hash-level edits user replication makes to the credentials file: what it reads, what it writes, what it
/// leaves alone, and the lock `edgereg user` shares with it.
/// </summary>
public sealed class CredentialsFileApplyTests : IDisposable
{
    /// <summary>An htpasswd -B line, as registry:2's file holds it (password "secret").</summary>
    private const string Bcrypt = "$2y$05$dJ2t8QZ6n3mGvRu8mW1cXeBb5Qzv3t6kV3xR7n1H8cQ4sYJm2pW6a";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "edgereg-credapply-" + Guid.NewGuid().ToString("N"));

    public CredentialsFileApplyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadHashes_MixedFile_OnlyLinesServeAcceptsAndTheLastOfADuplicate()
    {
        string file = Path.Combine(_dir, "creds");
        CredentialsFile.AddOrUpdate(file, "alice", "pw");
        string alice = File.ReadAllLines(file).Single()["alice:".Length..];
        File.AppendAllText(file, $"# a comment\nmd5user:$apr1$abc$def\nbob:{Bcrypt}\nbroken\nbob:{alice}\n");

        var hashes = CredentialsFile.ReadHashes(file);

        Assert.Equal(["alice", "bob"], hashes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(alice, hashes["alice"]);
        Assert.Equal(alice, hashes["bob"]);
    }

    [Fact]
    public void Apply_SetAndRemove_OtherLinesKeptInPlaceAndMode0600()
    {
        string file = Path.Combine(_dir, "creds");
        File.WriteAllText(file, $"# seed htpasswd\nold:{Bcrypt}\nmd5user:$apr1$abc$def\nkeep:{Bcrypt}\n");

        using (var held = CredentialsFileLock.Take(file))
        {
            CredentialsFile.Apply(file, held, new Dictionary<string, string?> { ["old"] = null, ["new"] = Bcrypt, ["keep"] = Bcrypt });
        }

        Assert.Equal(["# seed htpasswd", "md5user:$apr1$abc$def", $"keep:{Bcrypt}", $"new:{Bcrypt}"], File.ReadAllLines(file));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Apply_NothingChanges_FileNotRewritten()
    {
        string file = Path.Combine(_dir, "creds");
        File.WriteAllText(file, $"keep:{Bcrypt}\n");
        var inode = new FileInfo(file).LastWriteTimeUtc;
        File.SetLastWriteTimeUtc(file, inode.AddMinutes(-5));

        using (var held = CredentialsFileLock.Take(file))
        {
            CredentialsFile.Apply(file, held, new Dictionary<string, string?> { ["keep"] = Bcrypt, ["absent"] = null });
        }

        Assert.Equal(inode.AddMinutes(-5), new FileInfo(file).LastWriteTimeUtc);
    }

    [Theory]
    [InlineData("bad user", Bcrypt)]
    [InlineData("md5", "$apr1$abc$def")]
    [InlineData("weak", "pbkdf2-sha256$1000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    public void Apply_UserOrHashServeWouldSkip_RefusedAndNothingWritten(string user, string hash)
    {
        string file = Path.Combine(_dir, "creds");
        File.WriteAllText(file, $"keep:{Bcrypt}\n");

        using (var held = CredentialsFileLock.Take(file))
        {
            var e = Assert.Throws<ArgumentException>(() =>
                CredentialsFile.Apply(file, held, new Dictionary<string, string?> { ["other"] = Bcrypt, [user] = hash }));
            Assert.Contains(user, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal([$"keep:{Bcrypt}"], File.ReadAllLines(file));
        Assert.NotNull(CredentialsFile.LineProblem(user, hash));
    }

    [Fact]
    public async Task AddOrUpdate_WhileAnotherHoldsTheLock_WaitsForItThenKeepsBothEdits()
    {
        string file = Path.Combine(_dir, "creds");
        var held = CredentialsFileLock.Take(file);
        var add = Task.Run(() => CredentialsFile.AddOrUpdate(file, "cli-user", "pw"));
        await Task.Delay(200);
        Assert.False(add.IsCompleted, "user add wrote while the file was locked");
        CredentialsFile.Apply(file, held, new Dictionary<string, string?> { ["peer-user"] = Bcrypt });
        held.Dispose();

        await add.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["cli-user", "peer-user"], CredentialsFile.ReadHashes(file).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Take_HeldLongerThanTheWait_IOExceptionNamingTheLock()
    {
        string file = Path.Combine(_dir, "creds");
        using var held = CredentialsFileLock.Take(file);

        var e = Assert.Throws<IOException>(() => CredentialsFileLock.Take(file, TimeSpan.FromMilliseconds(100)));

        Assert.Contains(CredentialsFileLock.PathFor(file), e.Message, StringComparison.Ordinal);
    }
}
