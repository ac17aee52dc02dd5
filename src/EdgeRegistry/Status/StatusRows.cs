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
        SystemdStatus systemd, DateTimeOffset now)
    {
        var rows = new List<StatusRow> { AgentRow(agent), StoreRow(store, now) };
        rows.AddRange(peers.Select(peer => PeerRow(peer, now)));
        rows.AddRange(systemd.Units.Select(UnitRow));
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
                $"{store.Repositories} repositories, {store.Manifests} manifests, {store.Blobs} blobs, {Readable.Bytes(store.Bytes ?? 0)}");
        // Counts older than the agent's refresh period are still worth showing, but only with their age: a
        // bare number from before the last push reads as a fact about the store now.
        if (store.CountedAt is { } countedAt && now - countedAt > CachedStoreCensus.Freshness)
        {
            contents += $" (counted {Readable.Ago(countedAt, now)})";
        }

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
        return peer.Error is null
            ? new StatusRow(concern, "reachable", RowSeverity.Ok, detail)
            : new StatusRow(concern, "error", RowSeverity.Warning, $"{peer.Error}; {detail}");
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
