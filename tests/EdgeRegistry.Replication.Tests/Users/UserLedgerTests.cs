using EdgeRegistry.Replication.Users;

namespace EdgeRegistry.Replication.Tests.Users;

/// <summary>
/// How a node's users converge: what counts as a local change, which peer entry wins, and that the ledger survives
/// a restart and a corrupt file without inventing removals.
/// </summary>
public sealed class UserLedgerTests
{
    private const string HashOne = "pbkdf2-sha256$600000$c2FsdA==$one";
    private const string HashTwo = "pbkdf2-sha256$600000$c2FsdA==$two";

    private static long _clock = 1000;

    private static long Now() => Interlocked.Increment(ref _clock);

    private static Dictionary<string, UserVersion> Known(params UserVersion[] entries) =>
        entries.ToDictionary(static e => e.User, StringComparer.Ordinal);

    [Fact]
    public void LocalChanges_NewChangedAndMissingUsers_VersionedOnThisNodeUnchangedLeftAlone()
    {
        var known = Known(
            new UserVersion("same", HashOne, 10, "a"),
            new UserVersion("changed", HashOne, 10, "b"),
            new UserVersion("gone", HashOne, 10, "b"),
            new UserVersion("tombstone", null, 10, "c"));
        var file = new Dictionary<string, string> { ["same"] = HashOne, ["changed"] = HashTwo, ["added"] = HashOne };

        var changes = UserLedger.LocalChanges(known, file, Now, "self");

        Assert.Equal(["added:" + HashOne, "changed:" + HashTwo, "gone:-"], changes.Select(static c => $"{c.User}:{c.Hash ?? "-"}"));
        Assert.All(changes, change => Assert.Equal("self", change.Node));
        Assert.All(changes, change => Assert.True(change.Version > 10));
    }

    [Fact]
    public void LocalChanges_FileEqualsLedger_Nothing()
    {
        var known = Known(new UserVersion("u", HashOne, 10, "a"), new UserVersion("removed", null, 11, "a"));

        Assert.Empty(UserLedger.LocalChanges(known, new Dictionary<string, string> { ["u"] = HashOne }, Now, "self"));
    }

    [Fact]
    public void Winners_NewestVersionThenNodeWins_TombstonesTravelOlderIgnored()
    {
        var known = Known(new UserVersion("kept", HashOne, 50, "b"), new UserVersion("removed", HashOne, 10, "a"));
        var remote = new[]
        {
            new UserVersion("kept", HashTwo, 40, "c"),       // older than ours: ignored
            new UserVersion("removed", null, 20, "c"),       // a later removal: wins
            new UserVersion("new", HashOne, 5, "a"),
            new UserVersion("new", HashTwo, 5, "b"),         // same version, higher node: wins over the other peer's
            new UserVersion("kept", HashTwo, 50, "a"),       // same version, lower node: ours stays
        };

        var winners = UserLedger.Winners(known, remote);

        Assert.Equal(["new:" + HashTwo + "@b", "removed:-@c"], winners.Select(static w => $"{w.User}:{w.Hash ?? "-"}@{w.Node}"));
    }

    [Fact]
    public void Winners_ReAddedAfterRemoval_NewerAddBeatsTheTombstone()
    {
        var known = Known(new UserVersion("u", null, 30, "a"));

        var winners = UserLedger.Winners(known, [new UserVersion("u", HashTwo, 31, "b")]);

        Assert.Equal(HashTwo, Assert.Single(winners).Hash);
    }

    [Fact]
    public void Commit_ThenLoad_SameEntriesAndFileIsPrivate()
    {
        using var temp = new TempDirectory("user-ledger");
        string credentials = temp.Combine("credentials");
        var ledger = UserLedger.Load(credentials);
        Assert.Null(ledger.LoadProblem);
        Assert.Empty(ledger.Users);

        ledger.Commit("self", [new UserVersion("u", HashOne, 7, "self"), new UserVersion("gone", null, 8, "peer")]);
        ledger.Commit("self", [new UserVersion("u", HashTwo, 9, "peer")]);
        var reloaded = UserLedger.Load(credentials);

        Assert.Equal(["gone:-@8", "u:" + HashTwo + "@9"],
            reloaded.Users.Values.OrderBy(static u => u.User, StringComparer.Ordinal).Select(static u => $"{u.User}:{u.Hash ?? "-"}@{u.Version}"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UserLedger.PathFor(credentials)));
        Assert.Equal([UserLedger.PathFor(credentials)], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Load_CorruptLedger_EmptyWithTheProblemSoNothingIsRemoved()
    {
        using var temp = new TempDirectory("user-ledger");
        string credentials = temp.Combine("credentials");
        File.WriteAllText(UserLedger.PathFor(credentials), "{\"node\":\"a\",\"users\":[{\"user\":\"u\",");

        var ledger = UserLedger.Load(credentials);

        Assert.Empty(ledger.Users);
        Assert.Contains(UserLedger.PathFor(credentials), ledger.LoadProblem, StringComparison.Ordinal);
        // An empty ledger holds nothing live, so a file read against it yields additions only, never a removal.
        var changes = UserLedger.LocalChanges(ledger.Users, new Dictionary<string, string> { ["u"] = HashOne }, Now, "self");
        Assert.Equal("u", Assert.Single(changes).User);
    }

    [Theory]
    [InlineData("{\"node\":\"p\",\"users\":null}")]
    [InlineData("{\"node\":\"p\",\"users\":[null]}")]
    [InlineData("{\"node\":\"p\",\"users\":[{\"user\":\"\",\"hash\":\"h\",\"version\":1,\"node\":\"p\"}]}")]
    [InlineData("{\"node\":\"p\",\"users\":[{\"user\":\"u\",\"hash\":\"h\",\"version\":-1,\"node\":\"p\"}]}")]
    [InlineData("{\"node\":\"p\",\"users\":[{\"user\":\"u\",\"hash\":\"h\",\"version\":1}]}")]
    [InlineData("{\"node\":\"p\",\"users\":[{\"user\":\"u\",\"hash\":\"\",\"version\":1,\"node\":\"p\"}]}")]
    public void WellFormed_BrokenOrLyingPeerTable_EntryDroppedNotTrusted(string json)
    {
        var table = System.Text.Json.JsonSerializer.Deserialize(json, EdgeRegistry.Replication.Api.ReplicationJsonContext.Default.UserTable);

        Assert.Empty(UserTables.WellFormed(table));
    }

    [Fact]
    public void WellFormed_RemovalWithoutHash_Kept()
    {
        var table = new UserTable("p", [new UserVersion("gone", null, 3, "p"), new UserVersion("u", HashOne, 4, "p")]);

        Assert.Equal(["gone", "u"], UserTables.WellFormed(table).Select(static u => u.User));
    }
}
