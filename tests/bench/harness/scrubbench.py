"""The scrub row of issue 13: a synthetic store of large blobs in Distribution's layout, scrubbed by the running agent
(`edgereg scrub --now`). Reports the scrub's rate on an idle node and while a client pulls (bytes counted from the
agent's own report, not timed per read), and the client's pull throughput idle against during the scrub. The scrub
steps aside while requests are in flight (at most 2 s per read), so its rate while pulling is expected to fall far
below --scrub-rate and pulls to keep most of their throughput."""
import hashlib
import http.client
import json
import os
import subprocess
import time

import servers

BLOB_MIB = 16


def build_store(root, mib):
    """Writes mib/16 blobs of 16 MiB, each linked into bench/scrub (no HTTP: the row measures scrub, not pushes)."""
    v2 = os.path.join(root, "docker", "registry", "v2")
    digests = []
    for i in range(max(1, mib // BLOB_MIB)):
        data = hashlib.sha256(f"scrub {i}".encode()).digest() * (BLOB_MIB * 1024 * 1024 // 32)
        hexd = hashlib.sha256(data).hexdigest()
        for path, content in ((os.path.join(v2, "blobs", "sha256", hexd[:2], hexd, "data"), data),
                              (os.path.join(v2, "repositories", "bench", "scrub", "_layers", "sha256", hexd, "link"), f"sha256:{hexd}".encode())):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
        digests.append(f"sha256:{hexd}")
    os.makedirs(os.path.join(v2, "repositories", "bench", "scrub", "_manifests"), exist_ok=True)
    return digests


def _pull_mib_per_s(port, digest, seconds):
    """Sequential GETs of one blob on a keep-alive connection for `seconds` (bounded by time); MiB/s received."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    received, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        conn.request("GET", f"/v2/bench/scrub/blobs/{digest}")
        r = conn.getresponse()
        while chunk := r.read(1 << 20):
            received += len(chunk)
        if r.status != 200:
            raise RuntimeError(f"blob GET answered {r.status}")
    conn.close()
    return received / (1 << 20) / (time.perf_counter() - t0)


def _report(binary, socket, now=False):
    argv = [binary, "scrub", "--json", "--status-socket", socket] + (["--now"] if now else [])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"edgereg scrub failed: {out.stderr}")
    return json.loads(out.stdout)


def _scrub_mib_per_s(binary, socket, seconds):
    """The agent's own byte count over a window: what the scrub read, not what it was asked to."""
    before, t0 = _report(binary, socket)["bytesScrubbed"], time.perf_counter()
    time.sleep(seconds)
    return (_report(binary, socket)["bytesScrubbed"] - before) / (1 << 20) / (time.perf_counter() - t0)


def run(binary, work, mib, rate_mib, seconds, log):
    root = os.path.join(work, "scrub-store")
    log(f"scrub row: writing a synthetic store of {mib} MiB in {BLOB_MIB} MiB blobs")
    digests = build_store(root, mib)
    srv = servers.edgereg(binary, root, work)
    socket = os.path.join(work, "scrub-status.sock")
    srv.argv += ["--status-socket", socket, "--scrub-rate", f"{rate_mib}M", "--scrub-period", "0", "--gc-interval", "0"]
    srv.start(timeout=120)
    try:
        _pull_mib_per_s(srv.port, digests[0], 1)  # warm up
        pull_idle = _pull_mib_per_s(srv.port, digests[0], seconds)
        _report(binary, socket, now=True)
        scrub_idle = _scrub_mib_per_s(binary, socket, seconds)
        pull_during = _pull_mib_per_s(srv.port, digests[0], seconds)
        # The scrub's bytes over a window in which the client pulls back to back.
        before, t0 = _report(binary, socket)["bytesScrubbed"], time.perf_counter()
        _pull_mib_per_s(srv.port, digests[0], seconds)
        scrub_pulling = (_report(binary, socket)["bytesScrubbed"] - before) / (1 << 20) / (time.perf_counter() - t0)
        final = _report(binary, socket)
    finally:
        srv.stop()
    ratio = f"{pull_during / pull_idle:.2f}" if pull_idle else "—"
    lines = [
        "| Scrub row | value |",
        "|---|---|",
        f"| store | {len(digests)} blobs of {BLOB_MIB} MiB ({len(digests) * BLOB_MIB} MiB) |",
        f"| --scrub-rate, MiB/s | {rate_mib} (effective {final['rateBytesPerSecond'] / (1 << 20):.1f}) |",
        f"| scrub rate, idle node, MiB/s | {scrub_idle:.1f} ({scrub_idle / rate_mib:.2f}x the rate; limit 1.00x + 1 s burst) |",
        f"| scrub rate while a client pulls back to back, MiB/s | {scrub_pulling:.1f} |",
        f"| pull throughput idle, MiB/s | {pull_idle:.0f} |",
        f"| pull throughput during the scrub, MiB/s | {pull_during:.0f} |",
        f"| pull during ÷ idle | {ratio} |",
    ]
    return "\n".join(lines)
