using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Keeps this node converged with one peer: polls the peer's change feed from our cursor and applies each new
/// entry; compares the peer's inventory summary with our view now and then to catch drift (then re-reads the
/// whole inventory); and periodically re-applies whatever is still unsatisfied (a fetch that failed while a peer
/// was down). Polling doubles as the peer's health probe.
/// </summary>
internal sealed partial class PeerSync
{
    private const int PageSize = 1000;

    /// <summary>
    /// Repositories of one page applied at once. Each manifest or tag costs a round trip to the peer and several
    /// fsyncs (the object, its link, its version); one at a time, a wiped node re-learning thousands of
    /// repositories waited on each in turn (~250 objects/s). In parallel the round trips overlap and the file
    /// system commits the fsyncs of many writers together. Within a repository the page's order is kept. 32, not 8:
    /// a replicated manifest costs about 8 durable writes one after another (its layer links, its bytes, its revision
    /// link, its version) and its tag 3 more, so with 8 at once the small-blob lane waited for manifests (with the
    /// thread pool's floor, ThreadPoolFloor: 10 k objects at 453/s against 321/s with 8).
    /// </summary>
    private const int ApplyConcurrency = 32;
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How far the feed may run ahead of the blob copies. A wiped node reads a peer's feed far faster than it copies
    /// small blobs, and every blob waiting costs ~200 bytes (its digest text, its place in a lane and in the queued
    /// set): reading a 100 k-object feed to its end at once queued ~80 k of them, 16 MB on top of the inventories.
    /// 4,096 keeps every copy worker busy (16 + 4) and the queue under a megabyte.
    /// </summary>
    internal const int MaxPendingFetches = 4096;

    private readonly Peer _peer;
    private readonly EntryApplier _applier;
    private readonly HybridLogicalClock _clock;
    private readonly FetchQueue _fetches;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _passes; // which slot of recorded blobs this reconcile pass stats (EntryApplier.SweepSlots)

    public PeerSync(Peer peer, EntryApplier applier, HybridLogicalClock clock, FetchQueue fetches, ReplicationOptions options,
        TimeProvider time, ILogger<PeerSync> logger)
    {
        _peer = peer;
        _applier = applier;
        _clock = clock;
        _fetches = fetches;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lastSummary = _time.GetUtcNow();
        var lastReconcile = DateTimeOffset.MinValue; // reconcile (and report convergence) soon after start
        bool wasReachable = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool more = false;
            try
            {
                if (_peer.State.Available)
                {
                    // Held back until the copies bring the queue under the bound: woken by the queue, not polled.
                    await _fetches.WaitForPendingAtMostAsync(MaxPendingFetches, cancellationToken).ConfigureAwait(false);
                    more = await PollAsync(cancellationToken).ConfigureAwait(false);
                    var now = _time.GetUtcNow();
                    if (now - lastSummary >= _options.SummaryInterval)
                    {
                        lastSummary = now;
                        await CheckSummaryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    if (!more && now - lastReconcile >= ReconcileInterval)
                    {
                        lastReconcile = now;
                        await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                if (_peer.State.Reachable != wasReachable)
                {
                    wasReachable = _peer.State.Reachable;
                    if (wasReachable) LogPeerUp(_logger, _peer.Member);
                    else LogPeerDown(_logger, _peer.Member, _peer.State.LastError ?? "unreachable");
                }
                if (!more) await Task.Delay(_options.FeedInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever escaped a round (a body cut mid-read, a store error the applier did not wrap, a bug) must not
                // end this peer's sync for the life of the process: it is said, the peer backs off, and the loop goes on.
                _peer.State.Failed(e.Message);
                LogRoundFailed(_logger, _peer.Member, e);
                try
                {
                    await Task.Delay(_options.FeedInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads one page of the feed and applies it; true when the peer has more right away.</summary>
    public async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        var view = _peer.View;
        var page = await _peer.Client.GetFeedAsync(view.Epoch, view.Cursor, PageSize, cancellationToken).ConfigureAwait(false);
        if (page is null) return false;
        if (page.Reset || page.Epoch != view.Epoch)
        {
            if (view.Epoch is not null) LogResync(_logger, _peer.Member);
            view.Reset(page.Epoch);
        }
        var entries = new List<InventoryEntry>(page.Entries.Count);
        foreach (var wire in page.Entries)
        {
            if (FeedEntries.FromWire(wire) is not { } entry) continue;
            _clock.Observe(entry.Version);
            view.Inventory.Put(entry);
            entries.Add(entry);
        }
        await ApplyAsync(entries, cancellationToken).ConfigureAwait(false);
        // The last entry's sequence is always safe; with no entries, nothing after our cursor existed when the
        // page was cut, so the peer's sequence at that moment is too.
        view.Advance(page.Entries.Count > 0 ? page.Entries[^1].Q : Math.Max(view.Cursor, page.Sequence), caughtUp: !page.More);
        return page.More;
    }

    /// <summary>
    /// Applies a page's entries, repositories in parallel and each repository's entries in page order (a tag after
    /// the manifest it names, a delete after what it deletes), so the outcome is the one applying them in order gives.
    /// </summary>
    private Task ApplyAsync(List<InventoryEntry> entries, CancellationToken cancellationToken)
    {
        var byRepository = entries.GroupBy(static e => e.Repository?.Value ?? "").ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = ApplyConcurrency, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(byRepository, options, async (group, token) =>
        {
            foreach (var entry in group) await _applier.ApplyAsync(_peer, entry, token).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Re-applies every entry of the peer that the local store does not satisfy yet, and says at debug level what it
    /// found (every <see cref="ReconcileInterval"/> while the peer is up): an operator following a rehydration sees
    /// it move without a status call.
    /// </summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        int compared = 0, reapplied = 0, unsatisfied = 0;
        int slot = _passes++ % EntryApplier.SweepSlots;
        foreach (var entry in _peer.View.Inventory.Entries())
        {
            compared++;
            if (_applier.IsSatisfied(entry, slot)) continue;
            reapplied++;
            if (!await _applier.ApplyAsync(_peer, entry, cancellationToken).ConfigureAwait(false)) unsatisfied++;
        }
        if (unsatisfied == 0 && _fetches.Pending == 0) _peer.View.LastConvergence = _time.GetUtcNow();
        LogReconciled(_logger, _peer.Member, compared, reapplied, unsatisfied, _fetches.Pending, _fetches.Fetched, _fetches.Failed,
            (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return unsatisfied;
    }

    private async Task CheckSummaryAsync(CancellationToken cancellationToken)
    {
        var summary = await _peer.Client.GetSummaryAsync(cancellationToken).ConfigureAwait(false);
        var view = _peer.View;
        if (summary is null || summary.Epoch != view.Epoch || summary.Sequence != view.Cursor) return;
        var (count, hash) = view.Inventory.Summary();
        if (summary.Count != count || summary.Hash != hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))
        {
            LogDrift(_logger, _peer.Member, summary.Count, count);
            view.Invalidate();
        }
    }

    [LoggerMessage(EventId = 3305, Level = LogLevel.Debug, Message = "Reconciled with {Peer}: {Compared} entries compared, " +
        "{Reapplied} not satisfied here and applied again, {Unsatisfied} still waiting; blob copies: {Pending} queued, " +
        "{Fetched} copied and {Failed} failed since start ({Milliseconds} ms)")]
    private static partial void LogReconciled(ILogger logger, string peer, int compared, int reapplied, int unsatisfied, int pending,
        long fetched, int failed, long milliseconds);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Error, Message = "Sync with {Peer} failed unexpectedly; backing off and going on")]
    private static partial void LogRoundFailed(ILogger logger, string peer, Exception exception);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Peer {Peer} restarted or changed; reading its whole inventory again")]
    private static partial void LogResync(ILogger logger, string peer);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Inventory of {Peer} drifted from our view ({TheirCount} vs {OurCount} entries); re-reading it")]
    private static partial void LogDrift(ILogger logger, string peer, int theirCount, int ourCount);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Peer {Peer} is reachable")]
    private static partial void LogPeerUp(ILogger logger, string peer);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Peer {Peer} is unreachable: {Reason}")]
    private static partial void LogPeerDown(ILogger logger, string peer, string reason);
}
