"""The collection rows of the --scale group (issue 12): `edgereg gc --dry-run` and a real `edgereg gc` through a
running node's agent on the scale store, with the node's RSS before, its peak (VmHWM, and RSS sampled every 100 ms),
the collection's wall time and the node's CPU seconds for it. Bounded by the command's timeout."""
import json
import subprocess
import threading
import time

import procstats

SAMPLE_S = 0.1


def run_gc(binary, root, sock, dry_run=False, bound=900):
    """`edgereg gc --json` through the agent on sock (bounded by `bound` s): the parsed report; raises on failure."""
    argv = [binary, "gc", "--json", "--root", root, "--status-socket", sock] + (["--dry-run"] if dry_run else [])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=bound)
    if out.returncode != 0:
        raise RuntimeError(f"edgereg gc{' --dry-run' if dry_run else ''} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def measure(binary, pid, sock, root, dry_run, bound=900):
    """One collection through the agent at pid: a dict of figures (MiB, s) and the report's counts."""
    before = procstats.rss_mib(pid)
    procstats.reset_peak(pid)
    cpu0 = procstats.cpu_seconds(pid)
    sampled = [before]
    stop = threading.Event()

    def sample():
        while not stop.wait(SAMPLE_S):  # bounded by the collection: stop is set when the command returns
            sampled.append(procstats.rss_mib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        report = run_gc(binary, root, sock, dry_run, bound)
    finally:
        seconds = time.perf_counter() - t0
        stop.set()
        sampler.join(timeout=5)
    return {
        "before": before,
        "hwm": procstats.peak_rss_mib(pid),
        "sampled_max": max(sampled),
        "seconds": seconds,
        "cpu_s": procstats.cpu_seconds(pid) - cpu0,
        "manifests": report["manifestsDeleted"],
        "blobs": report["blobsDeleted"],
    }


def describe(g):
    return (f"RSS {g['before']:.0f} -> VmHWM {g['hwm']:.0f} MiB (sampled max {g['sampled_max']:.0f}), "
            f"{g['seconds']:.1f} s, {g['cpu_s']:.1f} CPU s; deleted {g['manifests']} manifests, {g['blobs']} blobs")
