"""The garbage-collection row of issue 13: a synthetic store in Distribution's layout (N blobs, M manifests, half
of the manifests tagged, the other half untagged and old, so one collection deletes about half the store), collected
by the running agent (`edgereg gc --json` over its status socket) while a client GETs a tagged manifest.
Reports the collection's time, the agent's peak RSS, and manifest GET p99 during the collection against idle."""
import hashlib
import http.client
import json
import os
import threading
import time

import procstats
import scalegc
import servers

IDLE_GETS = 2000


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def build_store(root, blobs, manifests):
    """Writes the store straight to disk (no HTTP: the row measures collection, not pushes)."""
    v2 = os.path.join(root, "docker", "registry", "v2")
    per = max(1, blobs // manifests)
    old = time.time() - 3 * 86400
    tagged = []
    for m in range(manifests):
        repo = f"bench/gc-{m % 100}"
        rdir = os.path.join(v2, "repositories", repo)
        layers = []
        for b in range(per):
            data = f"blob {m}/{b}".encode() * 4
            hexd = hashlib.sha256(data).hexdigest()
            _write(os.path.join(v2, "blobs", "sha256", hexd[:2], hexd, "data"), data)
            _write(os.path.join(rdir, "_layers", "sha256", hexd, "link"), f"sha256:{hexd}".encode())
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": f"sha256:{hexd}", "size": len(data)})
        config = layers[0]
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": dict(config, mediaType="application/vnd.oci.image.config.v1+json"),
                               "layers": layers[1:] or layers}, separators=(",", ":")).encode()
        mhex = hashlib.sha256(manifest).hexdigest()
        _write(os.path.join(v2, "blobs", "sha256", mhex[:2], mhex, "data"), manifest)
        revision = os.path.join(rdir, "_manifests", "revisions", "sha256", mhex, "link")
        _write(revision, f"sha256:{mhex}".encode())
        if m % 2 == 0:
            tag = f"t{m}"
            _write(os.path.join(rdir, "_manifests", "tags", tag, "current", "link"), f"sha256:{mhex}".encode())
            _write(os.path.join(rdir, "_manifests", "tags", tag, "index", "sha256", mhex, "link"), f"sha256:{mhex}".encode())
            tagged.append((repo, tag))
        else:
            os.utime(revision, (old, old))
    return tagged


def _gets(port, repo, tag, count, stop=None):
    """Sequential manifest GETs on one keep-alive connection; latencies in ms (bounded by count)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
    out = []
    for _ in range(count):
        if stop is not None and stop.is_set():
            break
        t0 = time.perf_counter()
        conn.request("GET", f"/v2/{repo}/manifests/{tag}", headers=accept)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"manifest GET answered {r.status}")
        out.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return out


def _p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))] if xs else None


def run(binary, work, blobs, manifests, log):
    root = os.path.join(work, "gc-store")
    log(f"gc row: writing a synthetic store of {blobs} blobs, {manifests} manifests")
    tagged = build_store(root, blobs, manifests)
    srv = servers.edgereg(binary, root, work)
    socket = os.path.join(work, "gc-status.sock")
    srv.argv += ["--status-socket", socket, "--gc-interval", "0", "--gc-grace", "0", "--pull-retention", "1h"]
    srv.start(timeout=120)
    try:
        repo, tag = tagged[0]
        _gets(srv.port, repo, tag, 200)  # warm up
        idle = _gets(srv.port, repo, tag, IDLE_GETS)
        procstats.reset_peak(srv.pid)
        stop = threading.Event()
        during = []
        # Bounded: at most 10x the idle sample, and it stops when the collection ends.
        reader = threading.Thread(target=lambda: during.extend(_gets(srv.port, repo, tag, IDLE_GETS * 10, stop)))
        reader.start()
        t0 = time.perf_counter()
        try:
            report = scalegc.run_gc(binary, root, socket, bound=1800)
        finally:
            seconds = time.perf_counter() - t0
            stop.set()
            reader.join(timeout=60)
        peak = procstats.peak_rss_mib(srv.pid)
    finally:
        srv.stop()
    idle_p99, during_p99 = _p99(idle), _p99(during)
    ratio = f"{during_p99 / idle_p99:.2f}" if idle_p99 and during_p99 else "—"
    lines = [
        "| GC row | value |",
        "|---|---|",
        f"| store | {blobs} blobs, {manifests} manifests (half untagged and 3 days old) |",
        f"| deleted | {report['manifestsDeleted']} manifests, {report['blobsDeleted']} blobs, {report['bytesReclaimed']} bytes |",
        f"| collection time, s | {seconds:.2f} |",
        f"| agent peak RSS during the collection, MiB | {peak:.0f} |",
        f"| manifest GET p99 idle, ms | {idle_p99:.2f} ({len(idle)} GETs) |",
        f"| manifest GET p99 during GC, ms | {during_p99:.2f} ({len(during)} GETs) |" if during_p99 else "| manifest GET p99 during GC | no GET completed during the run |",
        f"| p99 during ÷ idle | {ratio} |",
    ]
    return "\n".join(lines)
