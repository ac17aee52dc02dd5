namespace EdgeRegistry.Replication.Users;

/// <summary>What a peer's (or the ledger file's) table of users may hold: anything else is dropped, never trusted.</summary>
internal static class UserTables
{
    /// <summary>More users than any site has; a peer sending more is broken or lying, and the rest is ignored.</summary>
    public const int MaxUsers = 10_000;

    /// <summary>
    /// The well-formed entries of <paramref name="table"/>: a user name of 1–256 characters, a node of 1–300, a
    /// version of at least 0, a hash (when not a removal) of at most 1 KiB. Whether the name and hash make a line
    /// the registry accepts is for <see cref="IUserFile.Problem"/> to say.
    /// </summary>
    public static IEnumerable<UserVersion> WellFormed(UserTable? table) =>
        (table?.Users ?? []).Take(MaxUsers).Where(static entry =>
            entry is { User.Length: > 0 and <= 256, Node.Length: > 0 and <= 300, Version: >= 0 }
            && entry.Hash is null or { Length: > 0 and <= 1024 });
}
