using EdgeRegistry.Replication.Peers;
namespace EdgeRegistry.Status;

/// <summary>
/// `edgereg status --json`: schema version 1, documented in README.md in this folder. Keys are never removed
/// or renamed within a schema version; new keys may be added.
/// </summary>
internal sealed record StatusReport(
    int SchemaVersion,
    string Verdict,
    IReadOnlyList<string> Problems,
    AgentReport Agent,
    string StoreReadFrom,
    StoreStatus Store,
    IReadOnlyList<PeerReport> Peers,
    SystemdStatus Systemd,
    GcStatus? Gc = null,
    GuardReport? Guard = null,
    IReadOnlyList<UpstreamReport>? Upstreams = null,
    Scrub.ScrubReport? Scrub = null,
    InventoryReport? Inventory = null)
{
    public const int CurrentSchemaVersion = 1;
}
