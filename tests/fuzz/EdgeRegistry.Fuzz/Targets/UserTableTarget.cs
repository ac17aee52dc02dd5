using System.Text.Json;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Users;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// A peer's table of users (a lying or broken peer), or the ledger file read back: rejected as JSON, or each entry
/// kept or dropped; what is kept is well-formed and the merge over it picks one winner per user.
/// </summary>
internal sealed class UserTableTarget : IFuzzTarget
{
    public string Name => "users";

    public void Run(ReadOnlySpan<byte> input)
    {
        UserTable? table;
        try
        {
            table = JsonSerializer.Deserialize(input, ReplicationJsonContext.Default.UserTable);
        }
        catch (JsonException)
        {
            return;
        }

        var kept = UserTables.WellFormed(table).ToList();
        foreach (var entry in kept)
        {
            FuzzFinding.Check(entry.User.Length is > 0 and <= 256 && entry.Node.Length is > 0 and <= 300 && entry.Version >= 0,
                "a malformed user entry was kept");
        }

        var winners = UserLedger.Winners(new Dictionary<string, UserVersion>(StringComparer.Ordinal), kept);
        FuzzFinding.Check(winners.Select(static w => w.User).Distinct(StringComparer.Ordinal).Count() == winners.Count, "two winners for one user");
    }
}
