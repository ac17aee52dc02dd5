using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Users;

/// <summary>
/// Keeps the users the same on every member: every <see cref="Interval"/> it asks each available peer for its
/// table of users (hashes only, over the authenticated peer API), then, holding the credentials file's lock,
/// versions what changed in the local file since the last round (`edgereg user add/remove` or an edit by hand),
/// takes every peer entry that outranks ours, writes the winners into the file (which the registry re-reads at
/// once) and saves the ledger. A user added on one node can push to all three within a few seconds, and a removal
/// travels the same way; a node that was down catches up on its first round.
/// </summary>
internal sealed partial class UserSync : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly IUserFile _file;
    private readonly UserLedger _ledger;
    private readonly PeerSet _peers;
    private readonly HybridLogicalClock _clock;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public UserSync(IUserFile file, UserLedger ledger, PeerSet peers, HybridLogicalClock clock, ReplicationOptions options,
        TimeProvider time, ILogger<UserSync> logger)
    {
        _file = file;
        _ledger = ledger;
        _peers = peers;
        _clock = clock;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ledger.LoadProblem is { } unreadable) LogLedgerUnreadable(_logger, unreadable);
        string? lastProblem = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken).ConfigureAwait(false);
                if (lastProblem is not null) LogRecovered(_logger, _file.Path);
                lastProblem = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong (a file that cannot be written, a peer's answer that slipped through), the
                // registry keeps serving with the users it has: a round that fails must never stop the host.
                // Said once per distinct problem, not every two seconds; the next round tries again.
                if (e.Message != lastProblem) LogRoundFailed(_logger, _file.Path, e.Message);
                lastProblem = e.Message;
            }
            try
            {
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: the peers' tables, then the local file and the merge under the file's lock.</summary>
    internal async Task RoundAsync(CancellationToken cancellationToken)
    {
        var remote = new List<(string Peer, UserVersion Entry)>();
        foreach (var peer in _peers.Available().ToList())
        {
            var table = await peer.Client.GetUsersAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in UserTables.WellFormed(table))
            {
                if (_file.Problem(entry.User, entry.Hash) is null) remote.Add((peer.Member, entry));
            }
        }

        // Nobody has a user yet (a new cluster, nodes that allow only anonymous loopback writes): nothing to version
        // or write, so the file's directory is not even created for the lock.
        if (remote.Count == 0 && _ledger.Users.Count == 0 && !_file.Exists) return;

        using var held = _file.Lock();
        var file = _file.Read();
        var known = _ledger.Users;
        var local = UserLedger.LocalChanges(known, file, _clock.Now, _options.Self);
        foreach (var change in local)
        {
            if (change.Removed) LogLocalRemoved(_logger, change.User);
            else LogLocalChanged(_logger, change.User);
        }
        var afterLocal = new Dictionary<string, UserVersion>(known, StringComparer.Ordinal);
        foreach (var change in local) afterLocal[change.User] = change;

        foreach (var (_, entry) in remote) _clock.Observe(entry.Version);
        var winners = UserLedger.Winners(afterLocal, remote.Select(static r => r.Entry));
        var fileChanges = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var winner in winners)
        {
            bool differs = winner.Removed ? file.ContainsKey(winner.User) : !file.TryGetValue(winner.User, out var hash) || hash != winner.Hash;
            if (differs) fileChanges[winner.User] = winner.Hash;
            string from = remote.First(r => ReferenceEquals(r.Entry, winner)).Peer;
            if (winner.Removed) LogPeerRemoved(_logger, winner.User, from);
            else LogPeerChanged(_logger, winner.User, from);
        }

        // The file first, then the ledger: a crash between the two leaves a file the next round reads as a local
        // change with the peer's content, which only re-announces what the cluster already decided.
        if (fileChanges.Count > 0) _file.Apply(held, fileChanges);
        _ledger.Commit(_options.Self, [.. local, .. winners]);
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "User {User} was added or changed on this node; replicating it to the peers")]
    private static partial void LogLocalChanged(ILogger logger, string user);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "User {User} was removed on this node; replicating the removal to the peers")]
    private static partial void LogLocalRemoved(ILogger logger, string user);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Information, Message = "User {User} added or changed, as peer {Peer} has it")]
    private static partial void LogPeerChanged(ILogger logger, string user, string peer);

    [LoggerMessage(EventId = 3604, Level = LogLevel.Information, Message = "User {User} removed, as on peer {Peer}")]
    private static partial void LogPeerRemoved(ILogger logger, string user, string peer);

    [LoggerMessage(EventId = 3605, Level = LogLevel.Warning, Message = "Users cannot be replicated through {Path} now: {Problem}")]
    private static partial void LogRoundFailed(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 3607, Level = LogLevel.Warning, Message = "The users' versions could not be read ({Problem}); every user in the credentials file counts as changed now")]
    private static partial void LogLedgerUnreadable(ILogger logger, string problem);

    [LoggerMessage(EventId = 3606, Level = LogLevel.Information, Message = "Users replicate through {Path} again")]
    private static partial void LogRecovered(ILogger logger, string path);
}
