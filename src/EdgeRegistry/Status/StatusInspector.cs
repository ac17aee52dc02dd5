using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Systemd.Units;

namespace EdgeRegistry.Status;

/// <summary>
/// Gathers `edgereg status`: the agent over its socket and systemd over D-Bus at the same time (each bounded
/// to about two seconds), and, when the agent does not answer, the store read directly from disk.
/// </summary>
internal static class StatusInspector
{
    /// <summary>The units whose state matters to an image pull on the node: us, CRI-O and the kubelet.</summary>
    public static readonly IReadOnlyList<string> Units = ["edgereg.service", "crio.service", "kubelet.service"];

    public static async Task<(StatusReport Report, IReadOnlyList<StatusRow> Rows)> InspectAsync(
        StatusTargets targets, string busAddress, TimeProvider time, CancellationToken cancellationToken)
    {
        var agentReading = StatusClient.ReadAsync(targets.StatusSocket, cancellationToken);
        var units = SystemdUnits.ReadAsync(Units, busAddress, StatusClient.Timeout, cancellationToken);
        var reading = await agentReading.ConfigureAwait(false);

        AgentReport agent;
        StoreStatus store;
        string storeReadFrom;
        IReadOnlyList<PeerReport> peers;
        GcStatus? gc = null;
        GuardReport? guard = null;
        Scrub.ScrubReport? scrub = null;
        InventoryReport? inventory = null;
        IReadOnlyList<UpstreamReport> upstreams;
        if (reading.Document is { } document)
        {
            agent = AgentReport.Up(targets.StatusSocket, document.Agent);
            store = document.Store;
            storeReadFrom = "agent";
            peers = document.Peers;
            gc = document.Gc;
            guard = document.Guard;
            upstreams = document.Upstreams ?? [];
            scrub = document.Scrub;
            inventory = document.Inventory;
        }
        else
        {
            agent = AgentReport.Down(targets.StatusSocket, reading.Error!, targets.Listen);
            store = await Task.Run(() => CountDirectly(targets.Root, time, cancellationToken), cancellationToken).ConfigureAwait(false);
            storeReadFrom = "store";
            peers = [];
            upstreams = [];
        }

        var systemd = ToStatus(await units.ConfigureAwait(false));
        var rows = StatusRows.From(agent, store, peers, systemd, time.GetUtcNow(), gc, guard, upstreams, scrub, inventory);
        var verdict = StatusRows.Verdict(rows);
        var report = new StatusReport(StatusReport.CurrentSchemaVersion, verdict.ToString().ToLowerInvariant(),
            StatusRows.Problems(rows), agent, storeReadFrom, store, peers, systemd, gc, guard, upstreams, scrub, inventory);
        return (report, rows);
    }

    private static StoreStatus CountDirectly(string root, TimeProvider time, CancellationToken cancellationToken)
    {
        var disk = Directory.Exists(root) ? DiskSpace.Of(root) : null;
        try
        {
            return StoreStatus.From(root, new CensusResult(StoreCensus.Count(root, time, cancellationToken), null), disk);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreStatus.From(root, new CensusResult(null, e.Message), disk);
        }
    }

    private static SystemdStatus ToStatus(SystemdUnitsReport report)
    {
        if (!report.Reachable)
        {
            var message = report.UnreachableMessage!;
            return new SystemdStatus(false, message, Units.Select(name => new UnitStatus(name, null, null, null, null, null, message)).ToArray());
        }

        return new SystemdStatus(true, null, report.Units.Select(unit => unit.State is { } state
            ? new UnitStatus(unit.Name, state.LoadState, state.ActiveState, state.SubState, state.ActiveEnterTimestamp, state.MainPID, null)
            : new UnitStatus(unit.Name, null, null, null, null, null, unit.Error)).ToArray());
    }
}
