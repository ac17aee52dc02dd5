namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// What this node knows about one peer's health. Updated by the probe loop and by every request; read by
/// everything that picks a peer. A peer that fails is skipped until its back-off expires, so a dead peer costs a
/// client at most one short connect timeout, not one per request.
/// </summary>
internal sealed class PeerState
{
    /// <summary>Long enough that a dead peer is not asked on every pull, short enough that a returning one is found fast.</summary>
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private int _failures;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;

    /// <summary>A peer that refused a blob batch is asked for one blob at a time until then, and for batches again after.</summary>
    private DateTimeOffset _batchesAgainAt = DateTimeOffset.MinValue;

    /// <summary>
    /// How long a refusal of blob batches holds: a peer running an older version (a rolling upgrade of the cluster's
    /// MachineConfig updates one node at a time) takes them once it is updated, so the refusal is not kept for good.
    /// </summary>
    internal static readonly TimeSpan BatchRefusalHold = TimeSpan.FromMinutes(10);

    public PeerState(string member, TimeProvider time)
    {
        Member = member;
        _time = time;
    }

    public string Member { get; }

    public bool Reachable { get; private set; }

    /// <summary>Smoothed round-trip time of successful requests (EWMA, α = 0.3).</summary>
    public double? LatencyMs { get; private set; }

    public DateTimeOffset? LastContact { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>
    /// The peer answers, but its feed and summary said 503 "still building its inventory" last time: nothing can be
    /// learned from it until the build ends (its blobs are served meanwhile). Reachable, but not a healthy peer.
    /// </summary>
    public bool Building { get; private set; }

    /// <summary>Requests in flight to this peer: background fetches go to the less busy peer.</summary>
    public int InFlight;

    /// <summary>True when the peer may be asked now (up, or down with its back-off expired).</summary>
    public bool Available
    {
        get
        {
            lock (_lock) return Reachable || _time.GetUtcNow() >= _retryAt;
        }
    }

    public void Succeeded(TimeSpan elapsed)
    {
        lock (_lock)
        {
            Reachable = true;
            _failures = 0;
            LastError = null;
            LastContact = _time.GetUtcNow();
            double ms = elapsed.TotalMilliseconds;
            LatencyMs = LatencyMs is double previous ? previous * 0.7 + ms * 0.3 : ms;
        }
    }

    /// <summary>The peer's feed or summary answered 503: it is up, and still building its inventory.</summary>
    public void AnsweredBuilding()
    {
        lock (_lock) Building = true;
    }

    /// <summary>The peer's feed or summary answered: its inventory is built.</summary>
    public void AnsweredInventory()
    {
        lock (_lock) Building = false;
    }

    /// <summary>True unless the peer refused a blob batch within <see cref="BatchRefusalHold"/>.</summary>
    public bool TakesBatches
    {
        get
        {
            lock (_lock) return _time.GetUtcNow() >= _batchesAgainAt;
        }
    }

    /// <summary>The peer answered a blob batch with "not found": it predates batches.</summary>
    public void RefusedBatches()
    {
        lock (_lock) _batchesAgainAt = _time.GetUtcNow() + BatchRefusalHold;
    }

    /// <summary>
    /// The peer just made an authenticated request to us, so it is up: end its back-off now instead of making
    /// clients wait for it to expire (after a cluster cold start every node has failed to reach the others once).
    /// </summary>
    public void HeardFrom()
    {
        lock (_lock)
        {
            _failures = 0;
            _retryAt = DateTimeOffset.MinValue;
        }
    }

    public void Failed(string error)
    {
        lock (_lock)
        {
            Reachable = false;
            _failures++;
            LastError = error;
            var backOff = TimeSpan.FromMilliseconds(Math.Min(MaxBackOff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(_failures, 10))));
            _retryAt = _time.GetUtcNow() + backOff;
        }
    }
}
