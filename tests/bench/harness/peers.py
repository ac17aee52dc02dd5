"""The replication rows of issue 6: read-through of a 256 MiB blob from a node that lacks it, and a wiped node
re-converging N GiB from two peers and from one. Three edgereg members on 127.0.0.1/.2/.3, one shared port.

Each peer row is set against the limit of a verified, durable copy on this machine (issue 11), measured in the
same run: min(a direct GET from the peer, one core's SHA-256 rate, the disk's durable write rate), the disk's rate
measured right before each row group and halved where two nodes write the same blob to this one disk at once. A copy can go
no faster than it receives, hashes or durably writes; the row prints that limit, its ratio to it and the
receiving node's CPU seconds per GB."""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import clients
import image
import procstats
import report
import servers
from httpraw import request, sha256_of_get

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
NAMES = ("A", "B", "C")
READ_THROUGH_RUNS = 3
RECONVERGE_RUNS = 3
CONVERGE_LAYER = 64 << 20
LAYERS_PER_MANIFEST = 4
WAIT_BOUND_S = 300
# Ask B at once after it answers /v2/ (the brief's "GET from B at once"); set when a build only asks peers it has
# already seen up, where the first GET would be a 404.
WAIT_FOR_PEER_UP = os.environ.get("BENCH_WAIT_PEER_UP") == "1"  # every wait for replication gives up after 5 minutes


def _log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True, file=sys.stderr)


def blob_file(root, digest):
    hexd = digest.split(":", 1)[1]
    return os.path.join(root, "docker", "registry", "v2", "blobs", "sha256", hexd[:2], hexd, "data")


def _discarding_get(url):
    """One GET on a fresh connection, body read into a reused 4 MiB buffer and dropped; returns bytes."""
    u = urlsplit(url)
    view = memoryview(bytearray(4 << 20))
    with socket.create_connection((u.hostname, u.port), timeout=60) as s:
        s.sendall(f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            n = s.recv_into(view)
            if n == 0:
                raise ConnectionError(f"eof in headers from {url}")
            head += bytes(view[:n])
        head, _, rest = head.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"GET {url}: {head.splitlines()[0]!r}")
        total = len(rest)
        while True:
            n = s.recv_into(view)
            if n == 0:
                return total
            total += n


class Cluster:
    """Three members sharing one secret; each can be stopped, wiped and started again on its own."""

    def __init__(self, binary, work):
        self.work = os.path.join(work, "peers")
        os.makedirs(self.work)
        secret = os.path.join(self.work, "cluster-secret")
        with open(os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
            f.write(os.urandom(32).hex().encode())
        port = servers.free_port_on(HOSTS)
        members = [f"{h}:{port}" for h in HOSTS]
        self.roots = {n: os.path.join(self.work, f"{n}-root") for n in NAMES}
        self.nodes = {n: servers.cluster_member(binary, h, port, self.roots[n], self.work, members, secret, n)
                      for n, h in zip(NAMES, HOSTS)}

    def start(self, name):
        os.makedirs(self.roots[name], exist_ok=True)
        return self.nodes[name].start()

    def stop(self, name):
        self.nodes[name].stop()

    def wipe(self, name):
        self.stop(name)
        shutil.rmtree(self.roots[name], ignore_errors=True)

    def status(self, name):
        """The member's own view over its status socket (`edgereg status --json`), or None when not answering."""
        node = self.nodes[name]
        sock = node.argv[node.argv.index("--status-socket") + 1]
        proc = subprocess.run([node.argv[0], "status", "--status-socket", sock, "--root", self.roots[name],
                               "--json"], capture_output=True, text=True, timeout=30)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return None

    def wait_sees_up(self, name, peer):
        """Waits (bounded) until name reports peer reachable: a just-started member asks only peers it saw up."""
        member = f"{self.nodes[peer].host}:{self.nodes[peer].port}"
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            st = self.status(name) or {}
            if any(p.get("member") == member and p.get("reachable") for p in st.get("peers") or []):
                return
            time.sleep(0.05)
        raise RuntimeError(f"node {name} did not see {peer} reachable within 30s; see {self.nodes[name].log_path}")

    def holds(self, name, digests):
        return all(os.path.exists(blob_file(self.roots[name], d)) for d in digests)

    def wait_holds(self, name, digests, since):
        """Seconds from `since` until name's store holds every digest (polled every 20 ms, bounded)."""
        deadline = since + WAIT_BOUND_S
        while time.perf_counter() < deadline:
            if self.holds(name, digests):
                return time.perf_counter() - since
            time.sleep(0.02)
        missing = sum(not os.path.exists(blob_file(self.roots[name], d)) for d in digests)
        raise RuntimeError(f"node {name} still lacks {missing} of {len(digests)} blobs after {WAIT_BOUND_S}s; "
                           f"see {self.nodes[name].log_path}")


def read_through(cluster, img, repo, work):
    """Per run: A alone holds the blob (B and C wiped); B starts and is asked at once. Variant 'C down' keeps C
    stopped; variant 'C up' starts C too, so C's background copy from A competes as it would in a real restart."""
    blob = img["layers"]["256m"]
    path = f"/v2/{repo}/blobs/{blob['digest']}"
    out = {"C down": [], "C up": []}
    cpu = {v: [] for v in out}
    for variant in out:
        for i in range(READ_THROUGH_RUNS):
            cluster.wipe("B")
            cluster.wipe("C")
            # C first: its background copy from A is under way when B is asked, and B is asked right after it
            # answers (started after C, a fast B could converge the blob on its own before the GET).
            if variant == "C up":
                cluster.start("C")
            cluster.start("B")
            if WAIT_FOR_PEER_UP:
                cluster.wait_sees_up("B", "A")
            if cluster.holds("B", [blob["digest"]]):
                raise RuntimeError("B already held the blob before the read-through GET; not a read-through")
            cpu_b = procstats.cpu_seconds(cluster.nodes["B"].proc.pid)
            r = clients.big_get(cluster.nodes["B"].base + path, 1, 60, work, f"readthrough-{variant.replace(' ', '-')}-{i}", max_requests=1)
            if r["requests"] != 1 or r["errors"] or r["bytes"] < blob["size"]:
                raise RuntimeError(f"read-through GET from B failed: {r}")
            out[variant].append(blob["size"] / (r["p50_ms"] / 1000) / 1e6)
            # B copies the image's other blobs in the background while it streams this one: its CPU is counted
            # until it holds the whole image and divided by every byte it received, not by the 256 MiB alone.
            cluster.wait_holds("B", image_digests(img), time.perf_counter())
            cpu_b = procstats.cpu_seconds(cluster.nodes["B"].proc.pid) - cpu_b
            cpu[variant].append(cpu_b / (image_bytes(img) / 1e9))
            status, hexd, n = sha256_of_get(cluster.nodes["B"].base, path)
            if status != 200 or "sha256:" + hexd != blob["digest"]:
                raise RuntimeError(f"B serves a different blob after the read-through: {status} {hexd} {n}")
            _log(f"  read-through ({variant}) run {i + 1}: {out[variant][-1]:.0f} MB/s, B's CPU until it held the image "
                 f"{cpu[variant][-1]:.2f} s/GB received")
    direct = []
    for i in range(READ_THROUGH_RUNS):
        r = clients.big_get(cluster.nodes["A"].base + path, 1, 60, work, f"direct-{i}", max_requests=1)
        if r["requests"] != 1 or r["errors"]:
            raise RuntimeError(f"direct GET from A failed: {r}")
        direct.append(blob["size"] / (r["p50_ms"] / 1000) / 1e6)
        _log(f"  direct GET from A run {i + 1}: {direct[-1]:.0f} MB/s")
    return out, direct, cpu


def image_digests(img):
    """Every blob of the read-through rows' image: its layers and its config."""
    return [b["digest"] for b in img["layers"].values()] + [img["config"]["digest"]]


def image_bytes(img):
    return sum(b["size"] for b in img["layers"].values()) + img["config"]["size"]


def sha256_rate():
    """One core's SHA-256 rate in MB/s: `openssl speed -evp sha256` on 16 KiB blocks (its largest-block column)."""
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "-bytes", "16384", "-evp", "sha256"],
                         capture_output=True, text=True, timeout=60).stdout
    # "sha256  1722686.58k": thousands of bytes per second processed
    m = re.search(r"^sha256\s+([0-9.]+)k\s*$", out, re.M)
    if not m:
        raise RuntimeError(f"cannot read openssl speed's sha256 rate from: {out[-300:]!r}")
    return float(m.group(1)) * 1000 / 1e6


def durable_write_rate(directory, mib=512, runs=3):
    """The disk's durable write rate in MB/s on the stores' file system: dd bs=1M conv=fsync (the fsync counted) of
    random bytes already in the page cache (zeros could be special to a virtual disk), median of `runs`. This
    machine's disk swings (0.6-1.6 GB/s between runs minutes apart), so each row group measures it right before it
    runs instead of once per run."""
    source = os.path.join(directory, "dd-source")
    probe = os.path.join(directory, "dd-probe")
    rates = []
    try:
        with open(source, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))
        for _ in range(runs):
            proc = subprocess.run(["dd", f"if={source}", f"of={probe}", "bs=1M", "conv=fsync"],
                                  capture_output=True, text=True, timeout=300)
            os.remove(probe)
            # "536870912 bytes (537 MB, 512 MiB) copied, 0.61 s, 880 MB/s"
            m = re.search(r"^(\d+) bytes .* copied, ([0-9.]+) s", proc.stderr, re.M)
            if proc.returncode != 0 or not m:
                raise RuntimeError(f"dd failed: {proc.stderr[-300:]!r}")
            rates.append(int(m.group(1)) / float(m.group(2)) / 1e6)
    finally:
        for path in (source, probe):
            if os.path.exists(path):
                os.remove(path)
    return sorted(rates)[len(rates) // 2]


def limits(work, group):
    """The machine's SHA-256 and durable write rates, measured now, before `group` (the direct GETs are measured by
    the rows themselves)."""
    sha = sha256_rate()
    disk = durable_write_rate(work)
    _log(f"peers: limits of a verified durable copy before the {group} rows: SHA-256 one core {sha:.0f} MB/s "
         f"(openssl, 16 KiB), durable write {disk:.0f} MB/s (dd conv=fsync, median of 3)")
    return {"sha256": sha, "disk": disk}


def push_content(base, work, gib):
    """Pushes gib GiB of random 64 MiB layers, 4 per image with its config and manifest, into one node.
    Returns every digest (layers, configs, manifests: all are blobs on disk) and the layer paths."""
    digests, layer_urls, total = [], [], 0
    count = max(1, int(gib * (1 << 30) // CONVERGE_LAYER))
    src = os.path.join(work, "converge-src")
    os.makedirs(src, exist_ok=True)
    for m in range(0, count, LAYERS_PER_MANIFEST):
        repo = f"bench/converge{m // LAYERS_PER_MANIFEST}"
        layers = []
        for i in range(m, min(count, m + LAYERS_PER_MANIFEST)):
            digest, path = image.random_blob(src, f"layer-{i}", CONVERGE_LAYER)
            image.upload_blob(base, repo, digest, path, CONVERGE_LAYER)
            os.remove(path)
            layers.append(digest)
            layer_urls.append(f"/v2/{repo}/blobs/{digest}")
            total += CONVERGE_LAYER
        config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": layers}},
                            separators=(",", ":")).encode()
        config_path = os.path.join(src, "config")
        with open(config_path, "wb") as f:
            f.write(config)
        config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
        image.upload_blob(base, repo, config_digest, config_path, len(config))
        manifest = json.dumps({"schemaVersion": 2, "mediaType": image.MANIFEST_TYPE,
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": config_digest, "size": len(config)},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d,
                                           "size": CONVERGE_LAYER} for d in layers]}, separators=(",", ":")).encode()
        status, _, body = request(base, "PUT", f"/v2/{repo}/manifests/v1", body=manifest,
                                  headers={"Content-Type": image.MANIFEST_TYPE})
        if status != 201:
            raise RuntimeError(f"manifest PUT answered {status}: {body[:200]!r}")
        digests += layers + [config_digest, "sha256:" + hashlib.sha256(manifest).hexdigest()]
        total += len(config) + len(manifest)
    shutil.rmtree(src)
    return digests, layer_urls, total


def parallel_get_rate(base, urls, workers=4):
    """MB/s of GETting every url once from one node over `workers` connections (replication's 4 workers)."""
    todo, lock, got, errors = list(urls), threading.Lock(), [0], []

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                url = todo.pop()
            try:
                n = _discarding_get(base + url)
            except (OSError, RuntimeError) as e:
                errors.append(str(e))
                return
            with lock:
                got[0] += n

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=WAIT_BOUND_S)
    seconds = time.perf_counter() - t0
    if errors or any(t.is_alive() for t in threads):
        raise RuntimeError(f"parallel GET from {base} failed: {errors[:3]}")
    return got[0] / seconds / 1e6


def reconverge(cluster, name, digests, total, img):
    """Stops and wipes name, starts it again and times exec -> its store holds every digest, RECONVERGE_RUNS
    times. Returns the median MB/s, its seconds and the median CPU s/GB of the node (start included); logs every run.
    The node copies the read-through rows' image too: its CPU is taken once it holds that as well and divided by
    every byte it received."""
    runs, cpus = [], []
    received = total + image_bytes(img)
    for i in range(RECONVERGE_RUNS):
        cluster.wipe(name)
        t0 = time.perf_counter()
        cluster.start(name)
        seconds = cluster.wait_holds(name, digests, t0)
        cluster.wait_holds(name, image_digests(img), t0)
        cpu = procstats.cpu_seconds(cluster.nodes[name].proc.pid)
        runs.append(seconds)
        cpus.append(cpu / (received / 1e9))
        _log(f"    run {i + 1}: {seconds:.2f}s, {total / seconds / 1e6:.0f} MB/s, {name}'s CPU {cpus[-1]:.2f} s/GB received")
    seconds = sorted(runs)[len(runs) // 2]
    return total / seconds / 1e6, seconds, sorted(cpus)[len(cpus) // 2]


def run(binary, work, img, repo, tag, gib):
    """All peer rows; returns a dict of figures. Every node is stopped by servers.stop_all on the way out."""
    cluster = Cluster(binary, work)
    rt_limits = limits(cluster.work, "read-through")
    cluster.start("A")
    image.push(cluster.nodes["A"].base, repo, tag, img)
    _log(f"peers: image pushed into A alone ({cluster.nodes['A'].base}); read-through 256 MiB from B, "
         f"{READ_THROUGH_RUNS}x with C down and with C starting, then {READ_THROUGH_RUNS} direct GETs from A")
    rt, direct, rt_cpu = read_through(cluster, img, repo, work)

    if not cluster.nodes["C"].proc or cluster.nodes["C"].proc.poll() is not None:
        cluster.start("C")
    _log(f"peers: pushing {gib} GiB (64 MiB layers) into A; B and C converge on their own")
    t0 = time.perf_counter()
    digests, layer_urls, total = push_content(cluster.nodes["A"].base, work, gib)
    all_digests = digests + image_digests(img)
    pushed = time.perf_counter() - t0
    for n in ("B", "C"):
        waited = cluster.wait_holds(n, all_digests, t0)
        _log(f"  {n} holds all {len(all_digests)} blobs {waited:.1f}s after the push began (push took {pushed:.1f}s)")
    one_peer_get = parallel_get_rate(cluster.nodes["A"].base, layer_urls)
    one_peer_get_c1 = parallel_get_rate(cluster.nodes["A"].base, layer_urls, workers=1)
    _log(f"  direct GET of the {total / 1e9:.2f} GB set from A: {one_peer_get:.0f} MB/s over 4 connections, "
         f"{one_peer_get_c1:.0f} MB/s over 1")
    rc_limits = limits(cluster.work, "re-convergence")
    both, both_s, both_cpu = reconverge(cluster, "C", digests, total, img)
    _log(f"  C wiped, re-converged from A and B: {both_s:.1f}s, {both:.0f} MB/s (median of {RECONVERGE_RUNS})")
    cluster.stop("B")
    one, one_s, one_cpu = reconverge(cluster, "C", digests, total, img)
    _log(f"  C wiped, re-converged from A alone (B stopped): {one_s:.1f}s, {one:.0f} MB/s (median of {RECONVERGE_RUNS})")
    for n in NAMES:
        cluster.stop(n)
    return {"read_through": rt, "read_through_cpu": rt_cpu, "direct": direct, "gib": gib, "bytes": total,
            "one_peer_get": one_peer_get, "one_peer_get_c1": one_peer_get_c1,
            "both": both, "both_s": both_s, "both_cpu": both_cpu, "one": one, "one_s": one_s, "one_cpu": one_cpu,
            "limits": {"read-through": rt_limits, "re-convergence": rc_limits}}


def _limit(direct, inputs, writers=1):
    """min(direct GET from the peer, SHA-256 on one core, durable write) and which one it is. `writers` copies
    writing durably at once share this machine's one disk: each gets its share of the durable write rate."""
    disk = inputs["disk"] / writers
    by = "durable write" if writers == 1 else f"durable write / {writers} (copies sharing the disk)"
    return min((direct, "direct GET"), (inputs["sha256"], "SHA-256"), (disk, by))


def add_rows(table, notes, f):
    """The peer rows (edgereg only), each with the limit of a verified durable copy, the ratio to it and the
    receiving node's CPU s/GB; the note sums the targets up (>= 0.8x of the limit)."""
    direct = report.median(f["direct"])
    ratios = []
    for variant, rates in f["read_through"].items():
        # With C up, C's background copy of the same blob writes to the same disk while B reads through: two
        # durable writers on one disk (on a real cluster each node has its own).
        rt_limit, rt_by = _limit(direct, f["limits"]["read-through"], writers=2 if variant == "C up" else 1)
        rt = report.median(rates)
        ratios.append((f"read-through {variant}", rt / rt_limit))
        table.add(f"peer read-through GET 256 MiB from B (only A holds it, {variant}), MB/s "
                  f"(median of {len(rates)})", {"edgereg": rt}, ratios=False,
                  detail={"edgereg": f"limit {rt_limit:.0f} ({rt_by}), {rt / rt_limit:.2f}× limit; "
                                     f"{rt / direct:.2f}× direct GET; B's CPU {report.median(f['read_through_cpu'][variant]):.2f} s/GB received; "
                                     f"min {min(rates):.0f}, max {max(rates):.0f}"})
    table.add(f"peer direct GET 256 MiB from A (c=1), MB/s (median of {len(f['direct'])})",
              {"edgereg": direct}, ratios=False,
              detail={"edgereg": f"min {min(f['direct']):.0f}, max {max(f['direct']):.0f}"})
    for group, inputs in f["limits"].items():
        table.add(f"peer limit inputs before the {group} rows: SHA-256 one core (openssl speed, 16 KiB) / durable "
                  f"write (dd conv=fsync, median of 3), MB/s", {"edgereg": inputs["sha256"]}, ratios=False,
                  detail={"edgereg": f"disk {inputs['disk']:.0f}"})
    gb = f["bytes"] / 1e9
    base = f["one_peer_get"]
    table.add(f"peer direct GET of the {gb:.2f} GB set from A (4 connections), MB/s", {"edgereg": base},
              ratios=False, detail={"edgereg": f"1 connection: {f['one_peer_get_c1']:.0f}"})
    rc_limit, rc_by = _limit(base, f["limits"]["re-convergence"])
    for key, label in (("both", "from A and B"), ("one", "from A alone (B stopped)")):
        ratios.append((f"re-convergence {label}", f[key] / rc_limit))
        table.add(f"peer wiped node re-converging {f['gib']:g} GiB {label}, MB/s", {"edgereg": f[key]},
                  ratios=False, detail={"edgereg": f"{f[key + '_s']:.1f} s; limit {rc_limit:.0f} ({rc_by}), "
                                                   f"{f[key] / rc_limit:.2f}× limit; {f[key] / base:.2f}× direct GET "
                                                   f"from one peer; C's CPU {f[key + '_cpu']:.2f} s/GB received"})
    notes.append("peer targets (issue 11): ≥ 0.8× the limit of a verified durable copy, min(direct GET from the "
                 "peer, one core's SHA-256, durable write measured before the row group; with C up, half the durable write, "
                 "since B's and C's copies share this machine's one disk) — " + ", ".join(f"{n}: {r:.2f}×" for n, r in ratios))
