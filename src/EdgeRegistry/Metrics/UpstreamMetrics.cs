using EdgeRegistry.Upstream;
using EdgeRegistry.Upstream.Client;

namespace EdgeRegistry.Metrics;

/// <summary>
/// The pull-through cache's families: content hits by source, and per upstream its bytes over the uplink, whether it
/// answers and whether it rate-limits us. Hits served locally are the blob and manifest GETs answered 200/206 that no
/// remote source answered, so no counter on the hot path is added for them.
/// </summary>
internal static class UpstreamMetrics
{
    public static void Write(PrometheusText text, RequestCounters requests, ReadThroughCounters readThrough, UpstreamCounters? counters,
        UpstreamClients? clients)
    {
        long answered = requests.Requests()
            .Where(static r => r.Method == "GET" && r.Code is 200 or 206 && r.Route is "blob" or "manifest")
            .Sum(static r => r.Count);
        long peer = readThrough.Get(ReadThroughKind.Blob, ReadThroughOutcome.Served) + readThrough.Get(ReadThroughKind.Manifest, ReadThroughOutcome.Served);
        long upstream = counters is null ? 0 : counters.BlobsServed + counters.ManifestsServed;
        text.Family("edgereg_content_hits_total", "counter", "Blob and manifest GETs answered, by where the content came from: local store, a peer, or an upstream registry.")
            .Sample("edgereg_content_hits_total", Math.Max(0, answered - peer - upstream), ("source", "local"))
            .Sample("edgereg_content_hits_total", peer, ("source", "peer"))
            .Sample("edgereg_content_hits_total", upstream, ("source", "upstream"));
        if (counters is null || clients is null) return;

        text.Family("edgereg_upstream_misses_total", "counter", "Blob requests no upstream could answer (not there, unreachable, refused).")
            .Sample("edgereg_upstream_misses_total", counters.Misses);
        text.Family("edgereg_upstream_member_bytes_total", "counter", "Blob bytes read through from the member that fetched them over the uplink, instead of over the uplink.")
            .Sample("edgereg_upstream_member_bytes_total", counters.MemberBytes);
        text.Family("edgereg_uplink_bytes_total", "counter", "Blob bytes received from each upstream registry over the uplink.");
        foreach (var state in clients.States) text.Sample("edgereg_uplink_bytes_total", state.BytesFetched, ("upstream", state.Host));
        text.Family("edgereg_upstream_requests_total", "counter", "Requests sent to each upstream registry (token requests included).");
        foreach (var state in clients.States) text.Sample("edgereg_upstream_requests_total", state.Requests, ("upstream", state.Host));
        text.Family("edgereg_upstream_up", "gauge", "1 when the upstream answered its last request, else 0 (also 0 before the first).");
        foreach (var state in clients.States) text.Sample("edgereg_upstream_up", state.Reachable == true ? 1 : 0, ("upstream", state.Host));
        text.Family("edgereg_upstream_rate_limited", "gauge", "1 while the upstream's last 429 Retry-After lasts.");
        foreach (var state in clients.States) text.Sample("edgereg_upstream_rate_limited", state.RateLimited ? 1 : 0, ("upstream", state.Host));
    }
}
