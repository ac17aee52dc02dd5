using EdgeRegistry.Replication.Peers;
namespace EdgeRegistry.Status;

/// <summary>What <c>GET /_edgereg/status</c> answers on the status socket.</summary>
internal sealed record AgentStatusDocument(AgentStatus Agent, StoreStatus Store, IReadOnlyList<PeerReport> Peers, GcStatus? Gc = null,
    GuardReport? Guard = null, IReadOnlyList<UpstreamReport>? Upstreams = null, Scrub.ScrubReport? Scrub = null,
    InventoryReport? Inventory = null);
