using EdgeRegistry.Replication.Peers;
using System.Globalization;

namespace EdgeRegistry.Status;

/// <summary>
/// Turns a report into its lines, one per concern, and judges each: the verdict is the worst line. DOWN: the
/// agent does not answer or the store cannot be read. DEGRADED: the agent is not ready, free space is under
/// 10%, a peer is unreachable or reports an error, a unit is not active or its state is unknown (systemd not
/// reachable over D-Bus: an operator cannot tell whether CRI-O and the kubelet run, so the node is not known to
/// be healthy).
/// </summary>
internal static class StatusRows
{
    public static IReadOnlyList<StatusRow> From(AgentReport agent, StoreStatus store, IReadOnlyList<PeerReport> peers,
        SystemdStatus systemd, DateTimeOffset now, GcStatus? gc = null, GuardReport? guard = null,
        IReadOnlyList<UpstreamReport>? upstreams = null, Scrub.ScrubReport? scrub = null, InventoryReport? inventory = null)
    {
        var rows = new List<StatusRow> { AgentRow(agent), StoreRow(store, now) };
        if (store.FileSystem is { } fileSystem && !store.IsUnreadable) rows.Add(FileSystemRow(fileSystem));
        if (guard is not null) rows.Add(GuardRow(guard));
        if (inventory is not null) rows.Add(InventoryRow(inventory));
        rows.AddRange(peers.Select(peer => PeerRow(peer, now)));
        rows.AddRange((upstreams ?? []).Select(upstream => UpstreamRow(upstream, now)));
        rows.AddRange(systemd.Units.Select(UnitRow));
        if (gc is not null) rows.Add(GcRow(gc, now));
        if (scrub is not null) rows.Add(ScrubRow(scrub, now));
        return rows;
    }

    public static StatusVerdict Verdict(IEnumerable<StatusRow> rows)
    {
        var worst = rows.Select(row => row.Severity).DefaultIfEmpty(RowSeverity.Ok).Max();
        return worst switch
        {
            RowSeverity.Failure => StatusVerdict.Down,
            RowSeverity.Warning => StatusVerdict.Degraded,
            _ => StatusVerdict.Healthy,
        };
    }

    /// <summary>"concern: detail" for every line that made the verdict worse than healthy.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<StatusRow> rows) =>
        rows.Where(row => row.Severity is RowSeverity.Warning or RowSeverity.Failure)
            .Select(row => $"{row.Concern}: {row.State}, {row.Detail}")
            .ToArray();

    private static StatusRow AgentRow(AgentReport agent)
    {
        if (!agent.Running)
        {
            // The operator's next step, since nothing more can be learnt from a socket that does not answer.
            return new StatusRow("agent", "down", RowSeverity.Failure,
                $"{agent.Error ?? "not running"}; see `systemctl status edgereg` and `journalctl -u edgereg -n 50`");
        }

        var listening = agent.Listen.Count > 0 ? string.Join(", ", agent.Listen) : "no registry address";
        var uptime = Readable.Duration(TimeSpan.FromSeconds(agent.UptimeSeconds ?? 0));
        var detail = $"edgereg {agent.Version}, pid {agent.Pid}, up {uptime}, listening on {listening}";
        return agent.Ready == true
            ? new StatusRow("agent", "ready", RowSeverity.Ok, $"{detail}, ready since {Readable.Time(agent.ReadyAt!.Value)}")
            : new StatusRow("agent", "starting", RowSeverity.Warning, $"{detail}, not ready yet");
    }

    private static StatusRow StoreRow(StoreStatus store, DateTimeOffset now)
    {
        if (store.IsUnreadable)
        {
            return new StatusRow("store", "unreadable", RowSeverity.Failure, $"{store.Root}: {store.LastError}");
        }

        var contents = store.Repositories is null
            ? "not counted yet"
            : string.Create(CultureInfo.InvariantCulture,
                $"{store.Repositories} repositories, {store.Manifests} manifests, {store.Blobs} blobs, {Readable.Bytes(store.Bytes ?? 0)} (counted {Readable.Ago(store.CountedAt, now)})");

        var disk = store.FreeBytes is { } free && store.TotalBytes is { } total && total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Readable.Bytes(free)} free of {Readable.Bytes(total)} ({100.0 * free / total:0}%)")
            : "free space unknown";
        var detail = $"{store.Root}: {contents}; {disk}";
        if (store.LastError is not null)
        {
            detail += $"; last count failed: {store.LastError}";
        }

        return store.IsLowOnSpace
            ? new StatusRow("store", "low-space", RowSeverity.Warning, detail)
            : new StatusRow("store", store.LastError is null ? "ok" : "stale", store.LastError is null ? RowSeverity.Ok : RowSeverity.Warning, detail);
    }

    /// <summary>
    /// A file system on which acknowledged writes may not survive a power cut (tmpfs, ext4 without a journal) is a
    /// warning: the node serves, but after the next power cut it may come back without what it said it stored.
    /// </summary>
    private static StatusRow FileSystemRow(Storage.Durability.StoreFileSystem fileSystem) =>
        fileSystem.DurabilityProblem is { } problem
            ? new StatusRow("filesystem", "at-risk", RowSeverity.Warning, $"{fileSystem.Describe()}: {problem}")
            : new StatusRow("filesystem", "ok", RowSeverity.Ok, fileSystem.Describe());

    /// <summary>A failed collection is worth a look (the store keeps growing) but the registry still serves: a warning.</summary>
    private static StatusRow GcRow(GcStatus gc, DateTimeOffset now)
    {
        string last = gc.LastRun is { } at
            ? $"last run {Readable.Ago(at, now)} reclaimed {Readable.Bytes(gc.LastRunBytesReclaimed)} ({gc.LastRunManifestsDeleted} manifests, {gc.LastRunBlobsDeleted} blobs)"
            : "no run yet";
        string next = gc.NextRun is { } due ? $"next in {Readable.Duration(due > now ? due - now : TimeSpan.Zero)}" : "on demand only";
        string detail = $"{last}; {next}; {Readable.Bytes(gc.BytesReclaimed)} reclaimed since start";
        if (gc.LastError is { } error) return new StatusRow("gc", "failed", RowSeverity.Warning, $"{error}; {detail}");
        return new StatusRow("gc", gc.Running ? "running" : "idle", RowSeverity.Ok, detail);
    }

    /// <summary>
    /// DEGRADED while building: local pulls and pushes are served, but nothing replicates until it is complete (peers
    /// are told "not ready"), so the node is not yet what a healthy member is.
    /// </summary>
    private static StatusRow InventoryRow(InventoryReport inventory)
    {
        string took = string.Create(CultureInfo.InvariantCulture, $"{inventory.Seconds:0.0} s");
        if (inventory.State == InventoryReport.Complete)
            return new StatusRow("inventory", "complete", RowSeverity.Ok,
                string.Create(CultureInfo.InvariantCulture, $"{inventory.Entries} entries from {inventory.ManifestsRead} manifests, built in {took}"));
        string progress = string.Create(CultureInfo.InvariantCulture,
            $"{inventory.ManifestsRead} manifests read, {inventory.Entries} entries so far, for {took}; replication waits for it, local pulls and pushes are served");
        return inventory.LastError is { } error
            ? new StatusRow("inventory", "retrying", RowSeverity.Warning, string.Create(CultureInfo.InvariantCulture, $"attempt {inventory.Attempts} failed: {error}; {progress}"))
            : new StatusRow("inventory", InventoryReport.Building, RowSeverity.Warning, progress);
    }

    /// <summary>
    /// Damage no peer could repair is a warning: those objects are gone from this node (their manifests answer 404 here,
    /// so clients use the next mirror) until a good copy turns up. A failed pass is one too: the store is not being checked.
    /// </summary>
    private static StatusRow ScrubRow(Scrub.ScrubReport scrub, DateTimeOffset now)
    {
        string last = scrub.LastPassEnded is { } ended ? $"last full pass ended {Readable.Ago(ended, now)}" : "no full pass yet";
        string current = scrub.PassStarted is not null
            ? string.Create(CultureInfo.InvariantCulture,
                $"pass at {Readable.Bytes(scrub.PassBytes)} of {Readable.Bytes(scrub.PassTotalBytes)}{Percent(scrub.PassBytes, scrub.PassTotalBytes)} ({scrub.Phase}), {Readable.Bytes(scrub.RateBytesPerSecond)}/s")
            : scrub.NextPass is { } next ? $"next pass in {Readable.Duration(next > now ? next - now : TimeSpan.Zero)}" : "passes on demand only";
        string damage = string.Create(CultureInfo.InvariantCulture,
            $"{scrub.DamageFound} damaged objects found, {scrub.Repaired} repaired since start");
        string detail = $"{last}; {current}; {damage}";
        if (scrub.Unrepaired.Count > 0)
        {
            var first = scrub.Unrepaired[0];
            return new StatusRow("scrub", "unrepaired", RowSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"{scrub.Unrepaired.Count} damaged objects not repaired (e.g. {first.Object}: {first.Problem}); {detail}"));
        }
        if (scrub.LastError is { } error) return new StatusRow("scrub", "failed", RowSeverity.Warning, $"{error}; {detail}");
        return new StatusRow("scrub", scrub.PassStarted is not null ? "running" : "idle", RowSeverity.Ok, detail);
    }

    private static string Percent(long part, long whole) =>
        whole > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Min(100.0, 100.0 * part / whole):0}%)") : "";

    /// <summary>
    /// The disk guard and the store's write probe: DEGRADED when near or over a limit, when copies wait for room or
    /// when writes fail (the store still serves); DOWN when the probe says the store cannot be read.
    /// </summary>
    private static StatusRow GuardRow(GuardReport guard)
    {
        var limits = $"--min-free {guard.MinFree}" + (guard.MaxStoreBytes is long max ? $", --max-store-bytes {Readable.Bytes(max)}" : "");
        var parts = new List<string> { guard.Reason ?? $"within {limits}" };
        if (guard.CopiesWaiting > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{guard.CopiesWaiting} copies from peers wait for room"));
        if (guard.Refusals > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{guard.Refusals} writes refused since start"));
        if (guard.StoreHealth != "healthy") parts.Add($"store {guard.StoreHealth}: {guard.StoreHealthProblem}");
        var detail = string.Join("; ", parts);
        if (guard.StoreHealth == "unhealthy") return new StatusRow("guard", "unreadable", RowSeverity.Failure, detail);
        if (guard.StoreHealth == "degraded") return new StatusRow("guard", "not-writable", RowSeverity.Warning, detail);
        if (guard.State == "over") return new StatusRow("guard", "at-limit", RowSeverity.Warning, detail);
        if (guard.State == "near") return new StatusRow("guard", "near-limit", RowSeverity.Warning, detail);
        return guard.CopiesWaiting > 0
            ? new StatusRow("guard", "copies-wait", RowSeverity.Warning, detail)
            : new StatusRow("guard", "ok", RowSeverity.Ok, detail);
    }

    private static StatusRow PeerRow(PeerReport peer, DateTimeOffset now)
    {
        var concern = $"peer {peer.Member}";
        var difference = string.Create(CultureInfo.InvariantCulture,
            $"they have {peer.ObjectsTheyHaveWeLack} objects ({Readable.Bytes(peer.BytesTheyHaveWeLack)}) we lack, we have {peer.ObjectsWeHaveTheyLack} ({Readable.Bytes(peer.BytesWeHaveTheyLack)}) they lack; converged {Readable.Ago(peer.LastConvergence, now)}");
        if (!peer.Reachable)
        {
            var why = peer.Error is null ? "" : $": {peer.Error}";
            return new StatusRow(concern, "unreachable", RowSeverity.Warning, $"last contact {Readable.Ago(peer.LastContact, now)}{why}; {difference}");
        }

        var latency = peer.LatencyMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms, ") : "";
        var detail = $"{latency}last contact {Readable.Ago(peer.LastContact, now)}; {difference}";
        if (peer.Building)
            return new StatusRow(concern, "building", RowSeverity.Warning,
                $"answers, but is still building its inventory: nothing is learned from it until that ends; {detail}");
        return peer.Error is null
            ? new StatusRow(concern, "reachable", RowSeverity.Ok, detail)
            : new StatusRow(concern, "error", RowSeverity.Warning, $"{peer.Error}; {detail}");
    }

    /// <summary>
    /// An unreachable or rate-limiting upstream is a warning: cached content is still served, but misses are not.
    /// One never asked yet (nothing pulled through it since start) is just that.
    /// </summary>
    private static StatusRow UpstreamRow(UpstreamReport upstream, DateTimeOffset now)
    {
        var concern = $"upstream {upstream.Host}";
        var fetched = $"{Readable.Bytes(upstream.BytesFetched)} fetched";
        if (upstream.Reachable is null) return new StatusRow(concern, "idle", RowSeverity.Ok, $"not asked since start; {fetched}");
        var contact = $"last contact {Readable.Ago(upstream.LastContact, now)}";
        if (upstream.RateLimited) return new StatusRow(concern, "rate-limited", RowSeverity.Warning, $"{contact}; {fetched}");
        return upstream.Reachable == true
            ? new StatusRow(concern, "reachable", RowSeverity.Ok, $"{contact}; {fetched}")
            : new StatusRow(concern, "unreachable", RowSeverity.Warning, $"{contact}: {upstream.Error}; {fetched}");
    }

    private static StatusRow UnitRow(UnitStatus unit)
    {
        if (unit.ActiveState is null)
        {
            // systemd could not be asked (or refused this unit): whether CRI-O and the kubelet run is unknown,
            // and unknown is not healthy.
            return new StatusRow(unit.Name, "unknown", RowSeverity.Warning, unit.Error ?? "no state");
        }

        var since = unit.Since is { } at ? $" since {Readable.Time(at)}" : "";
        var pid = unit.MainPid is { } mainPid ? $", pid {mainPid}" : "";
        var detail = unit.LoadState == "loaded"
            ? $"{unit.ActiveState} ({unit.SubState}){since}{pid}"
            : $"{unit.LoadState}, {unit.ActiveState} ({unit.SubState})";
        return new StatusRow(unit.Name, unit.ActiveState, unit.ActiveState == "active" ? RowSeverity.Ok : RowSeverity.Warning, detail);
    }
}
