"""The --scale rows (issue 12): a store the size of a real mirror. Per size (objects = blobs on disk, written
directly in Distribution's layout by scalestore.build): exec -> /v2/ 200 on the existing store, idle RSS stand-alone
and clustered (peers down), manifest GET latency, `edgereg status --json` and /metrics times, a dry-run and a real
collection through the clustered node's agent (scalegc), then a wiped peer
rehydrating every object from the node that holds them, its time, rate and both nodes' RSS peaks; and the disk's
durable small-object rate measured in the same run, in the same file system, with the parallelism of the
rehydration's small-object fetches: in Distribution's layout (layoutprobe.py, the yardstick of issue 12's target) and
one file per object (smallfiles.py). Every wait is bounded."""
import http.client
import json
import os
import shutil
import statistics
import subprocess
import time

import peers
import procstats
import scalegc
import scalestore
import layoutprobe
import scalefs
import scaletarget
import servers
import smallfiles
import syscounts

SETTLE_S = 5  # after the first count, before idle RSS is read: start-up garbage collected, timers quiet
GETS = 2000
SMALL_FETCH_WORKERS = 16  # the small-object lane of the replication fetch queue (FetchQueue)
# B's syscalls are counted in a second rehydration, only while it holds between these shares of the objects: not its
# start (runtime threads, the inventory exchange) nor the tail (the last few fetches, retries). The rate and CPU per
# object come from the first rehydration, with no counter attached (counting costs kernel time per syscall).
WINDOW = (0.10, 0.90)


def _log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=__import__("sys").stderr, flush=True)


def _standalone(binary, root, work):
    port = servers.free_port()
    config = os.path.join(work, "edgereg.json")
    with open(config, "w") as f:
        f.write("{}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGEREG_")}
    sock = os.path.join(work, "standalone-status.sock")
    argv = [binary, "serve", "--listen", f"127.0.0.1:{port}", "--root", root, "--config", config,
            "--credentials-file", os.path.join(work, "no-credentials"), "--log-level", "warning",
            "--status-socket", sock]
    return servers.Server("edgereg", argv, port, os.path.join(work, "edgereg-standalone.log"), env), sock


def _status(binary, sock, root):
    t0 = time.perf_counter()
    proc = subprocess.run([binary, "status", "--status-socket", sock, "--root", root, "--json"],
                          capture_output=True, text=True, timeout=30)
    seconds = time.perf_counter() - t0
    import json
    try:
        return json.loads(proc.stdout), seconds
    except ValueError:
        return None, seconds


def _wait_counted(binary, sock, root, blobs, bound=120):
    """Polls the agent's status until its store counts show `blobs` blobs (or any counts when blobs is None)."""
    deadline = time.perf_counter() + bound
    while time.perf_counter() < deadline:
        st, _ = _status(binary, sock, root)
        store = (st or {}).get("store") or {}
        if store.get("blobs") is not None and (blobs is None or store["blobs"] >= blobs):
            return st
        time.sleep(0.5)
    return None


def _manifest_gets(base, repos, n=GETS):
    """n manifest GETs by tag over one keep-alive connection, repositories in a fixed shuffled order: ms list."""
    host, port = base[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    times = []
    try:
        for i in range(n):
            repo = repos[(i * 7919) % len(repos)]
            t0 = time.perf_counter()
            conn.request("GET", f"/v2/{repo}/manifests/{scalestore.TAG}",
                         headers={"Accept": scalestore.MANIFEST_TYPE})
            resp = conn.getresponse()
            resp.read()
            times.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise RuntimeError(f"manifest GET {repo} answered {resp.status}")
    finally:
        conn.close()
    return times


def _scrape_ms(base, runs=5):
    host, port = base[len("http://"):].split(":")
    out = []
    for _ in range(runs):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        t0 = time.perf_counter()
        conn.request("GET", "/metrics")
        conn.getresponse().read()
        out.append((time.perf_counter() - t0) * 1000)
        conn.close()
    return statistics.median(out)


def _p(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def _holds_all(root, digests, since, bound, counters):
    """Seconds from `since` until root holds every digest (checks the missing ones only, every 0.2 s), and the
    syscall window: `counters` (paused syscounts) enabled once WINDOW[0] of the objects are held and disabled at
    WINDOW[1]; {"objects": held between the two, "seconds"} (empty when the rehydration outran the polls)."""
    missing = list(digests)
    n = len(digests)
    deadline = since + bound
    window, state = {}, "before"

    def held():
        nonlocal missing
        missing = [d for d in missing if not os.path.exists(peers.blob_file(root, d))]
        return n - len(missing)

    while time.perf_counter() < deadline:
        count = held()
        if state == "before" and count >= WINDOW[0] * n and missing:
            for c in counters:
                c.enable()
            window["start"], window["t0"], state = held(), time.perf_counter(), "in"
        elif state == "in" and (count >= WINDOW[1] * n or not missing):
            for c in counters:
                c.disable()
            end, t1 = held(), time.perf_counter()
            window.update(objects=end - window["start"], seconds=t1 - window["t0"], end=end)
            state = "after"
        if not missing and state != "in":
            return time.perf_counter() - since, (window if state == "after" else {})
        time.sleep(0.2)
    raise RuntimeError(f"{len(missing)} of {len(digests)} objects still missing after {bound}s")


def run_size(binary, work, objects):
    work = os.path.join(work, f"scale-{objects}")
    os.makedirs(work)
    cluster = peers.Cluster(binary, work)
    root = cluster.roots["A"]
    t0 = time.perf_counter()
    store = scalestore.build(root, objects)
    n = len(store["digests"])
    _log(f"scale {objects}: wrote {n} objects in {len(store['repos'])} repositories ({store['bytes'] / 1e6:.1f} MB) "
         f"in {time.perf_counter() - t0:.1f}s")
    f = {"objects": n, "repos": len(store["repos"])}

    # Stand-alone on the existing store.
    srv, sock = _standalone(binary, root, work)
    f["exec_v2_ms"] = srv.start(timeout=120) * 1000
    st = _wait_counted(binary, sock, root, n)
    f["standalone_counted"] = (st or {}).get("store", {}).get("blobs")
    time.sleep(SETTLE_S)
    f["standalone_rss"] = procstats.rss_mib(srv.pid)
    gets = _manifest_gets(srv.base, store["repos"])
    f["get_p50"], f["get_p99"] = _p(gets, 0.5), _p(gets, 0.99)
    f["status_ms"] = statistics.median(_status(binary, sock, root)[1] * 1000 for _ in range(5))
    f["scrape_ms"] = _scrape_ms(srv.base)
    srv.stop()
    _log(f"  stand-alone: exec->/v2/ {f['exec_v2_ms']:.0f} ms, idle RSS {f['standalone_rss']:.0f} MiB, "
         f"manifest GET p50 {f['get_p50']:.2f} / p99 {f['get_p99']:.2f} ms, status {f['status_ms']:.0f} ms, "
         f"scrape {f['scrape_ms']:.0f} ms")

    # Clustered: A holds the store, B and C down; then B starts empty and rehydrates from A.
    a = cluster.nodes["A"]
    # A clustered node listens first and builds its inventory in the background (feat/earlystart); older binaries
    # built it before listening, which on a big store and a loaded machine took longer than the usual 30 s bound.
    f["clustered_exec_v2_ms"] = a.start(timeout=300) * 1000
    a_sock = a.argv[a.argv.index("--status-socket") + 1]
    _wait_counted(binary, a_sock, root, n)
    time.sleep(SETTLE_S)
    f["clustered_rss"] = procstats.rss_mib(a.pid)
    f["clustered_status_ms"] = statistics.median(_status(binary, a_sock, root)[1] * 1000 for _ in range(5))
    _log(f"  clustered, peers down: exec->/v2/ {f['clustered_exec_v2_ms']:.0f} ms, idle RSS {f['clustered_rss']:.0f} MiB, "
         f"status {f['clustered_status_ms']:.0f} ms")

    # The collector's walk on the whole store (peers down: no manifest is deleted, the sweep still runs).
    for key, dry in (("gc_dry", True), ("gc", False)):
        f[key] = scalegc.measure(binary, a.pid, a_sock, root, dry_run=dry)
        _log(f"  edgereg gc{' --dry-run' if dry else ''} through the agent: {scalegc.describe(f[key])}")

    f["fs"] = scalefs.describe(cluster.work)
    f["layout"] = layoutprobe.rate(cluster.work, SMALL_FETCH_WORKERS)
    f["probe_4"] = smallfiles.rate(cluster.work, 4)
    f["probe_small"] = smallfiles.rate(cluster.work, SMALL_FETCH_WORKERS)
    _log(f"  stores and probes on {f['fs']['text']}")
    _log(f"  layout probe (blob data + layer link, dirs from the temp dir, shared temp-dir fsync), "
         f"{SMALL_FETCH_WORKERS} processes: {f['layout']['rate']:.0f} objects/s "
         f"({f['layout']['dir_fsyncs_per_object']:.2f} directory fsyncs per object, {f['layout']['retries']} publishes "
         f"redone after a concurrent writer replaced an empty directory)")
    _log(f"  durable small files (write+fsync+rename+dir fsync): {f['probe_4']:.0f}/s with 4 processes, "
         f"{f['probe_small']:.0f}/s with {SMALL_FETCH_WORKERS}")

    procstats.reset_peak(a.pid)
    a_cpu0 = procstats.cpu_seconds(a.pid)
    # Rate, CPU per object and RSS peaks come from a rehydration with nothing attached: counting syscalls on their
    # tracepoints costs kernel time per syscall (B's CPU per object rose from ~1.5 to ~3 ms with the counter attached,
    # and the rate fell by a third), so the syscalls are counted in a second rehydration below.
    f["load_start"] = os.getloadavg()[0]
    t0 = time.perf_counter()
    cluster.start("B")
    b = cluster.nodes["B"]
    f["rehydrate_s"], _ = _holds_all(cluster.roots["B"], store["digests"], t0, bound=max(120, n // 20), counters=[])
    f["rate"] = n / f["rehydrate_s"]
    f["load_end"] = os.getloadavg()[0]
    # CPU per object of both nodes (B's start included): on a machine shared with other work the rate follows the
    # CPU share the nodes get, while the probe (fsyncs, mostly waiting) hardly does; this is the figure that does not.
    f["a_cpu_ms"] = (procstats.cpu_seconds(a.pid) - a_cpu0) * 1000 / n
    f["b_cpu_ms"] = procstats.cpu_seconds(b.pid) * 1000 / n
    f["b_sys_ms"] = procstats.cpu_seconds(b.pid, system_only=True) * 1000 / n
    _log(f"  CPU per object while rehydrating: serving A {f['a_cpu_ms']:.2f} ms, rehydrating B {f['b_cpu_ms']:.2f} ms "
         f"({f['b_sys_ms']:.2f} of it in the kernel)")
    f["a_peak"] = procstats.peak_rss_mib(a.pid)
    f["b_peak"] = procstats.peak_rss_mib(b.pid)
    _log(f"  B rehydrated {n} objects in {f['rehydrate_s']:.1f}s = {f['rate']:.0f} objects/s "
         f"({f['rate'] / f['layout']['rate']:.2f}x the layout probe, {f['rate'] / f['probe_small']:.2f}x the "
         f"{SMALL_FETCH_WORKERS}-process small-file probe, {f['rate'] / f['probe_4']:.2f}x the 4-process one); "
         f"RSS peaks A {f['a_peak']:.0f} MiB, B {f['b_peak']:.0f} MiB")
    b_sock = b.argv[b.argv.index("--status-socket") + 1]
    t0 = time.perf_counter()
    # The census recounts in the background 10 walk-durations after the last walk (at most 2 min, plus the walk).
    st = _wait_counted(binary, b_sock, cluster.roots["B"], n, bound=200)
    f["b_counted_s"] = time.perf_counter() - t0 if st else None
    f["b_counted"] = (st or {}).get("store", {}).get("blobs")
    time.sleep(SETTLE_S)
    f["a_converged_rss"] = procstats.rss_mib(a.pid)
    f["b_converged_rss"] = procstats.rss_mib(b.pid)
    f["converged_status_ms"] = statistics.median(_status(binary, b_sock, cluster.roots["B"])[1] * 1000 for _ in range(5))
    _log(f"  B's status counts {f['b_counted']} blobs {f['b_counted_s'] or float('nan'):.1f}s after it held them all; "
         f"converged idle RSS A {f['a_converged_rss']:.0f} MiB, B {f['b_converged_rss']:.0f} MiB, "
         f"B's status {f['converged_status_ms']:.0f} ms")
    _count_syscalls(cluster, a, store["digests"], f)
    for target, ok, figures in scaletarget.verdicts(f):
        _log(f"  target {target}: {'—' if ok is None else 'met' if ok else 'not met'} ({figures})")
    for name in peers.NAMES:
        cluster.stop(name)
    # rm -rf, not shutil.rmtree: two stores of 100 k objects are ~800 k directory entries, which Python's walk
    # unlinks at a few hundred per second on a loaded 2-core machine (tens of minutes per row).
    subprocess.run(["rm", "-rf", "--one-file-system", work], check=False, timeout=3600)
    return f


def _count_syscalls(cluster, a, digests, f):
    """B wiped and rehydrated again with both nodes' syscalls counted by kind in the kernel (perf stat; no ptrace), only
    inside the window (WINDOW): the counters are attached paused and enabled/disabled there. B's counter is attached
    once B answers /v2/: attached at its exec, perf races the runtime's thread creation and may miss whole threads
    (seen: 1 syscall per object); the threads B starts later inherit the counters."""
    n = len(digests)
    cluster.stop("B")
    subprocess.run(["rm", "-rf", "--one-file-system", cluster.roots["B"]], check=False, timeout=3600)
    a_calls = syscounts.attach(a.pid, paused=True)
    t0 = time.perf_counter()
    cluster.start("B")
    b_calls = syscounts.attach(cluster.nodes["B"].pid, paused=True)
    try:
        seconds, f["window"] = _holds_all(cluster.roots["B"], digests, t0, bound=max(120, n // 20),
                                          counters=[c for c in (a_calls, b_calls) if c])
    finally:
        f["b_syscalls"] = b_calls.stop() if b_calls else None
        f["a_syscalls"] = a_calls.stop() if a_calls else None
    if not f["window"].get("objects"):
        f["b_syscalls"] = f["a_syscalls"] = None  # the rehydration outran the polls: no window to divide by
    f["syscalls_objects"] = f["window"].get("objects")
    f["counted_rate"] = n / seconds
    w = f["window"]
    if w.get("objects"):
        _log(f"  counted rehydration: {f['counted_rate']:.0f} objects/s; perf window: objects {w['start']}-{w['end']} of "
             f"{n} held, {w['seconds']:.1f}s, {w['objects'] / w['seconds']:.0f} objects/s inside it")
    _log(f"  syscalls per object, B: {syscounts.per_object(f['b_syscalls'], f['syscalls_objects'], top=14)}")
    _log(f"  syscalls per object, A: {syscounts.per_object(f['a_syscalls'], f['syscalls_objects'], top=8)}")


def render(results):
    """The markdown table, one column per size, and growth per object between the smallest and largest size."""
    rows = [
        ("objects (blobs on disk) / repositories", lambda f: f"{f['objects']:,} / {f['repos']:,}", None),
        ("file system of the stores and probes", lambda f: f["fs"]["text"], None),
        ("exec -> /v2/ 200 on the existing store, ms", lambda f: f"{f['exec_v2_ms']:.0f}", "exec_v2_ms"),
        ("exec -> /v2/ 200 clustered, ms", lambda f: f"{f['clustered_exec_v2_ms']:.0f}", "clustered_exec_v2_ms"),
        ("stand-alone idle RSS, MiB", lambda f: f"{f['standalone_rss']:.0f}", "standalone_rss"),
        ("clustered idle RSS, peers down, MiB", lambda f: f"{f['clustered_rss']:.0f}", "clustered_rss"),
        ("clustered idle RSS, converged with one peer (A / B), MiB",
         lambda f: f"{f['a_converged_rss']:.0f} / {f['b_converged_rss']:.0f}", "a_converged_rss"),
        ("manifest GET by tag c=1, p50 / p99 ms", lambda f: f"{f['get_p50']:.2f} / {f['get_p99']:.2f}", "get_p99"),
        ("`edgereg status --json` stand-alone / clustered / converged, ms",
         lambda f: f"{f['status_ms']:.0f} / {f['clustered_status_ms']:.0f} / {f['converged_status_ms']:.0f}", "status_ms"),
        ("/metrics scrape, ms", lambda f: f"{f['scrape_ms']:.0f}", "scrape_ms"),
        ("`edgereg gc --dry-run` through the agent, peers down: RSS before → VmHWM, MiB",
         lambda f: f"{f['gc_dry']['before']:.0f} → {f['gc_dry']['hwm']:.0f}", None),
        ("`edgereg gc` through the agent, peers down: RSS before → VmHWM, MiB",
         lambda f: f"{f['gc']['before']:.0f} → {f['gc']['hwm']:.0f}", None),
        ("collection's growth per object (VmHWM − RSS before) ÷ objects, dry run / real, B",
         lambda f: " / ".join(f"{(f[k]['hwm'] - f[k]['before']) * 1048576 / f['objects']:.0f}" for k in ("gc_dry", "gc")), None),
        ("`edgereg gc --dry-run` / `edgereg gc`: wall s, node CPU s",
         lambda f: f"{f['gc_dry']['seconds']:.1f} s, {f['gc_dry']['cpu_s']:.1f} / {f['gc']['seconds']:.1f} s, {f['gc']['cpu_s']:.1f}", None),
        ("wiped peer rehydrates every object: s, objects/s", lambda f: f"{f['rehydrate_s']:.1f} s, {f['rate']:.0f}/s", None),
        ("load average (1 min) at the rehydration's start / end",
         lambda f: f"{f.get('load_start', float('nan')):.1f} / {f.get('load_end', float('nan')):.1f}", None),
        (f"layout probe, {SMALL_FETCH_WORKERS} processes: objects/s (blob data + layer link; directory fsyncs per object)",
         lambda f: f"{f['layout']['rate']:.0f}/s ({f['layout']['dir_fsyncs_per_object']:.2f})", None),
        ("rehydration ÷ layout probe", lambda f: f"{f['rate'] / f['layout']['rate']:.2f}×", None),
        (f"durable small files/s, {SMALL_FETCH_WORKERS} / 4 processes (one file per object, same run)",
         lambda f: f"{f['probe_small']:.0f} / {f['probe_4']:.0f}", None),
        (f"rehydration ÷ small-file probe ({SMALL_FETCH_WORKERS} / 4 processes)",
         lambda f: f"{f['rate'] / f['probe_small']:.2f}× / {f['rate'] / f['probe_4']:.2f}×", None),
        ("CPU per object while rehydrating: serving A / rehydrating B (of it kernel), ms",
         lambda f: f"{f.get('a_cpu_ms', float('nan')):.2f} / {f.get('b_cpu_ms', float('nan')):.2f} "
                   f"({f.get('b_sys_ms', float('nan')):.2f})", None),
        ("second rehydration, syscalls counted (perf attached): objects/s",
         lambda f: f"{f['counted_rate']:.0f}/s", None),
        (f"perf window: objects held {WINDOW[0]:.0%}–{WINDOW[1]:.0%} (objects, s, objects/s inside it)",
         lambda f: (f"{f['window']['objects']:,}, {f['window']['seconds']:.1f} s, "
                    f"{f['window']['objects'] / f['window']['seconds']:.0f}/s") if f["window"].get("objects") else "—", None),
        ("syscalls per object inside the window, B (all, context switches, top kinds; perf stat)",
         lambda f: syscounts.per_object(f.get("b_syscalls"), f.get("syscalls_objects"), top=8), None),
        ("syscalls per object inside the window, A",
         lambda f: syscounts.per_object(f.get("a_syscalls"), f.get("syscalls_objects"), top=4), None),
        ("RSS peak while rehydrating: serving A / rehydrating B, MiB", lambda f: f"{f['a_peak']:.0f} / {f['b_peak']:.0f}", "a_peak"),
        ("B's status blob count after rehydration (expected = objects), s after it held them",
         lambda f: f"{f['b_counted']} ({f['b_counted_s'] or float('nan'):.1f} s)", None),
    ]
    sizes = sorted(results, key=lambda f: f["objects"])
    head = "| row | " + " | ".join(f"{f['objects']:,} objects" for f in sizes) + " | growth per object |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for label, cell, key in rows:
        growth = "—"
        if key and len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            per = (hi[key] - lo[key]) / (hi["objects"] - lo["objects"])
            growth = f"{per * 1024 * 1024:,.0f} B" if key.endswith("rss") or key.endswith("peak") else f"{per * 1000:.4f} ms per 1,000"
        lines.append(f"| {label} | " + " | ".join(cell(f) for f in sizes) + f" | {growth} |")
    return "\n".join(lines) + "\n\n" + scaletarget.render(sizes)

